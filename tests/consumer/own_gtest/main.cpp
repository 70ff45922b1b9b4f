// A game unit test on steamsim's mock, built against the project's own GoogleTest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <steamsim/mock.hpp>

namespace {

using namespace steamsim;

TEST(OwnGoogleTest, TheMockWorks) {
  ::testing::NiceMock<MockNetworkingMessages> net;
  EXPECT_CALL(net, sendMessageToUser(7, PayloadEq("hi"), IsReliable(), 0));
  EXPECT_EQ(net.sendMessageToUser(7, "hi", NETWORKING_SEND_RELIABLE, 0), Result::OK);
}

}  // namespace
