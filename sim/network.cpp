// SPDX-License-Identifier: MIT
#include "steamsim/network.hpp"

#include <mutex>
#include <stdexcept>

#include "peer_handle.hpp"
#include "world.hpp"

namespace steamsim {

namespace {
detail::TimeUs toUs(std::chrono::microseconds d) {
  return d.count();
}
}  // namespace

Network::Network(NetworkConfig config)
    : world_(std::make_shared<detail::World>(std::move(config))) {}

Network::~Network() {
  world_->close();  // a call in progress (this may be one of its handlers) stops at once
}

Peer& Network::addPeer(SteamId steam_id) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  return world_->addPeer(steam_id);
}

Peer& Network::peer(SteamId steam_id) {
  std::lock_guard lock(world_->mutex());
  Peer* p = world_->peer(steam_id);
  if (p == nullptr) throw std::out_of_range("no peer with Steam ID " + std::to_string(steam_id));
  return *p;
}

bool Network::hasPeer(SteamId steam_id) const {
  std::lock_guard lock(world_->mutex());
  return world_->peer(steam_id) != nullptr;
}

std::vector<SteamId> Network::peerIds() const {
  std::lock_guard lock(world_->mutex());
  return world_->peerIds();
}

void Network::setDefaultLink(const LinkConditions& conditions) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->setDefaultLink(conditions);
}

void Network::setLink(SteamId from, SteamId to, const LinkConditions& conditions) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->setLink(from, to, conditions);
}

void Network::clearLink(SteamId from, SteamId to) {
  std::lock_guard lock(world_->mutex());
  world_->clearLink(from, to);
}

LinkConditions Network::link(SteamId from, SteamId to) const {
  std::lock_guard lock(world_->mutex());
  return world_->link(from, to);
}

void Network::setLinkResolver(std::function<LinkConditions(SteamId, SteamId)> resolver) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->setLinkResolver(std::move(resolver));
}

void Network::refreshLinks() {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->refreshLinks();
}

LinkCounters Network::linkCounters(SteamId from, SteamId to) const {
  std::lock_guard lock(world_->mutex());
  return world_->linkCounters(from, to);
}

void Network::partition(const std::vector<std::vector<SteamId>>& groups) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->partition(groups);
}

void Network::heal() {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->heal();
}

void Network::crash(SteamId steam_id) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->crash(steam_id);
}

void Network::restart(SteamId steam_id) {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  world_->restart(steam_id);
  world_->wakeDriver();
}

void Network::advance(std::chrono::microseconds duration) {
  const std::shared_ptr<detail::World> keep = world_;  // a handler may destroy this Network
  keep->advance(toUs(duration));
}

bool Network::runUntil(const std::function<bool()>& done, std::chrono::microseconds timeout) {
  const std::shared_ptr<detail::World> keep = world_;
  return keep->runUntil(done, toUs(timeout));
}

std::chrono::microseconds Network::now() const {
  std::lock_guard lock(world_->mutex());
  world_->syncClock();
  return std::chrono::microseconds(world_->nowUs());
}

void Network::schedule(std::chrono::microseconds at, std::function<void()> action) {
  std::lock_guard lock(world_->mutex());
  world_->schedule(toUs(at), std::move(action));
  world_->wakeDriver();
}

std::shared_ptr<NetworkingMessages> Network::handle(SteamId steam_id) {
  Peer& target = peer(steam_id);
  return detail::PeerHandle::create(world_, target);
}

std::uint64_t Network::traceHash() const {
  std::lock_guard lock(world_->mutex());
  return world_->traceHash();
}

std::vector<TraceEvent> Network::trace() const {
  std::lock_guard lock(world_->mutex());
  return world_->recordedTrace();
}

void Network::setTraceSink(std::function<void(const TraceEvent&)> sink) {
  std::lock_guard lock(world_->mutex());
  world_->setTraceSink(std::move(sink));
}

void Network::setCapture(std::shared_ptr<DatagramCapture> capture) {
  std::lock_guard lock(world_->mutex());
  world_->setCapture(std::move(capture));
}

NetworkCounters Network::counters() const {
  std::lock_guard lock(world_->mutex());
  return world_->counters();
}

const NetworkConfig& Network::config() const {
  return world_->config();
}

}  // namespace steamsim
