// SPDX-License-Identifier: MIT
// RemoteControl: the Network-level operations of a served network.

#include "connection.hpp"

namespace steamsim {

using remote::protocol::FrameType;
using remote::protocol::Reader;
using remote::protocol::Writer;
namespace protocol = remote::protocol;

namespace {

void nothing(Reader&) {}

}  // namespace

RemoteControl::RemoteControl(const RemoteOptions& options)
    : connection_(std::make_unique<remote::Connection>(options, protocol::kRoleControl, 0)) {}

RemoteControl::~RemoteControl() = default;

void RemoteControl::setDefaultLink(const remote::LinkConditions& conditions) {
  connection_->call(
      FrameType::SetDefaultLink, [&](Writer& w) { encode(w, conditions); }, nothing);
}

void RemoteControl::setLink(SteamId from, SteamId to, const remote::LinkConditions& conditions) {
  connection_->call(
      FrameType::SetLink,
      [&](Writer& w) {
        w.u64(from);
        w.u64(to);
        encode(w, conditions);
      },
      nothing);
}

void RemoteControl::clearLink(SteamId from, SteamId to) {
  connection_->call(
      FrameType::ClearLink,
      [&](Writer& w) {
        w.u64(from);
        w.u64(to);
      },
      nothing);
}

remote::LinkConditions RemoteControl::link(SteamId from, SteamId to) {
  return connection_->call(
      FrameType::GetLink,
      [&](Writer& w) {
        w.u64(from);
        w.u64(to);
      },
      [](Reader& r) { return protocol::decodeLinkFields(r); });
}

void RemoteControl::partition(const std::vector<std::vector<SteamId>>& groups) {
  connection_->call(
      FrameType::Partition, [&](Writer& w) { protocol::encodeGroups(w, groups); }, nothing);
}

void RemoteControl::heal() {
  connection_->call(
      FrameType::Heal, [](Writer&) {}, nothing);
}

void RemoteControl::crash(SteamId steam_id) {
  connection_->call(
      FrameType::CrashPeer, [&](Writer& w) { w.u64(steam_id); }, nothing);
}

void RemoteControl::restart(SteamId steam_id) {
  connection_->call(
      FrameType::RestartPeer, [&](Writer& w) { w.u64(steam_id); }, nothing);
}

void RemoteControl::addPeer(SteamId steam_id) {
  connection_->call(
      FrameType::AddPeer, [&](Writer& w) { w.u64(steam_id); }, nothing);
}

std::vector<remote::PeerInfo> RemoteControl::peers() {
  return connection_->call(
      FrameType::ListPeers, [](Writer&) {},
      [](Reader& r) {
        std::vector<remote::PeerInfo> out(r.count(14));
        for (auto& p : out) {
          const protocol::PeerEntry e = protocol::decodePeerEntry(r);
          p = {e.steam_id, e.attached, e.crashed, e.socket_address};
        }
        return out;
      });
}

remote::NetworkCounters RemoteControl::counters() {
  return connection_->call(
      FrameType::NetworkCounters, [](Writer&) {},
      [](Reader& r) {
        remote::NetworkCounters c;
        c.events = r.u64();
        c.datagrams = r.u64();
        c.socket_bytes_read = r.u64();
        c.kernel_lost = r.u64();
        return c;
      });
}

remote::LinkCounters RemoteControl::linkCounters(SteamId from, SteamId to) {
  return connection_->call(
      FrameType::LinkCounters,
      [&](Writer& w) {
        w.u64(from);
        w.u64(to);
      },
      [](Reader& r) {
        remote::LinkCounters c;
        for (std::uint64_t* f :
             {&c.offered, &c.offered_bytes, &c.dropped_down, &c.dropped_rate_limit, &c.dropped_loss,
              &c.dropped_burst, &c.delayed, &c.reordered, &c.duplicated, &c.corrupted, &c.delivered,
              &c.delivered_bytes, &c.undeliverable}) {
          *f = r.u64();
        }
        return c;
      });
}

remote::PeerCounters RemoteControl::peerCounters(SteamId steam_id) {
  return connection_->call(
      FrameType::PeerCounters, [&](Writer& w) { w.u64(steam_id); },
      [](Reader& r) {
        remote::PeerCounters c;
        for (std::uint64_t* f :
             {&c.datagrams_received, &c.datagrams_accepted, &c.rejected_malformed,
              &c.rejected_checksum, &c.rejected_foreign, &c.rejected_stale, &c.messages_received,
              &c.messages_dropped_cap, &c.retransmissions}) {
          *f = r.u64();
        }
        return c;
      });
}

std::uint64_t RemoteControl::traceHash() {
  return connection_->call(
      FrameType::TraceHash, [](Writer&) {}, [](Reader& r) { return r.u64(); });
}

std::chrono::microseconds RemoteControl::now() {
  return connection_->call(
      FrameType::Now, [](Writer&) {}, [](Reader& r) { return std::chrono::microseconds(r.i64()); });
}

}  // namespace steamsim
