// SPDX-License-Identifier: MIT
// The attach protocol's requests, answered by the in-process Network and Peer calls.

#include "dispatcher.hpp"

#include <stdexcept>

namespace steamsim::remote {

namespace {

using protocol::ErrorCode;
using protocol::FrameType;

/// Invalid link conditions: every problem in one InvalidArgument.
const LinkConditions& validConditions(const LinkConditions& c) {
  const auto problems = c.validate();
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    throw std::invalid_argument(text);
  }
  return c;
}

/// A request the server refuses without closing the connection.
struct Refusal {
  ErrorCode code;
  std::string text;
};

std::string idText(SteamId id) {
  return std::to_string(id);
}

}  // namespace

void Dispatcher::writeError(std::vector<std::uint8_t>& out, std::uint32_t request_id,
                            ErrorCode code, bool fatal, const std::string& text) {
  protocol::Writer w(out);
  w.beginFrame(static_cast<std::uint16_t>(FrameType::Error), request_id);
  encode(w, protocol::ErrorFrame{static_cast<std::uint32_t>(code), fatal, text});
  w.endFrame();
}

std::shared_ptr<SignalBox> Dispatcher::boxFor(SteamId steam_id) {
  auto& box = r_.boxes[steam_id];
  if (!box) {
    box = std::make_shared<SignalBox>();
    Peer& peer = r_.network.peer(steam_id);
    peer.onSessionRequest([box](SteamId remote) {
      protocol::Signal s;
      s.kind = protocol::Signal::Kind::SessionRequest;
      s.remote_steam_id = remote;
      std::lock_guard lock(box->mutex);
      box->queued.push_back(std::move(s));
    });
    peer.onSessionFailed([box](const SessionFailed& failed) {
      protocol::Signal s;
      s.kind = protocol::Signal::Kind::SessionFailed;
      s.remote_steam_id = failed.remote_steam_id;
      s.failed = failed;
      std::lock_guard lock(box->mutex);
      box->queued.push_back(std::move(s));
    });
  }
  return box;
}

Outcome Dispatcher::hello(ClientState& client, const protocol::FrameHeader& header,
                          std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out) {
  const std::uint32_t id = header.request_id;
  if (header.type != static_cast<std::uint16_t>(FrameType::Hello)) {
    writeError(
        out, id, ErrorCode::BadMagic, true,
        "the first frame must be Hello (type 0x0001), got type " + std::to_string(header.type));
    return Outcome::Close;
  }
  protocol::Reader in(body);
  protocol::Hello h;
  try {
    h = protocol::decodeHello(in);
    in.expectEnd();
  } catch (const protocol::DecodeError& e) {
    writeError(out, id, ErrorCode::Malformed, true, std::string("Hello: ") + e.what());
    return Outcome::Close;
  }
  if (std::memcmp(h.magic, protocol::kMagic, 4) != 0) {
    writeError(out, id, ErrorCode::BadMagic, true, "Hello.magic must be the bytes \"SSIM\"");
    return Outcome::Close;
  }
  if (h.version != protocol::kVersion) {
    writeError(out, id, ErrorCode::VersionMismatch, true,
               "this server speaks protocol version " + std::to_string(protocol::kVersion) +
                   ", the client version " + std::to_string(h.version));
    return Outcome::Close;
  }
  if (!r_.options.token.empty() && !constantTimeEquals(h.token, r_.options.token)) {
    writeError(
        out, id, ErrorCode::BadToken, true,
        h.token.empty() ? "this server requires a token (see its --token-file)" : "wrong token");
    return Outcome::Close;
  }
  const std::uint8_t roles = protocol::kRolePeer | protocol::kRoleControl;
  if (h.role == 0 || (h.role & ~roles) != 0) {
    writeError(out, id, ErrorCode::InvalidSteamId, true,
               "Hello.role must be 1 (peer), 2 (control) or 3, got " + std::to_string(h.role));
    return Outcome::Close;
  }
  const bool as_peer = (h.role & protocol::kRolePeer) != 0;
  if (as_peer) {
    if (h.steam_id == 0) {
      writeError(out, id, ErrorCode::InvalidSteamId, true, "Steam ID 0 is invalid");
      return Outcome::Close;
    }
    if (r_.options.attach_policy) {
      if (std::string why = r_.options.attach_policy(h.steam_id); !why.empty()) {
        writeError(out, id, ErrorCode::NotPermitted, true, why);
        return Outcome::Close;
      }
    }
    {
      std::lock_guard lock(r_.mutex);
      if (r_.attached.count(h.steam_id) != 0) {
        writeError(out, id, ErrorCode::SteamIdInUse, true,
                   "Steam ID " + idText(h.steam_id) + " is already attached by another client");
        return Outcome::Close;
      }
    }
    try {
      if (!r_.network.hasPeer(h.steam_id)) {
        r_.network.addPeer(h.steam_id);
      } else if (r_.network.peer(h.steam_id).crashed()) {
        r_.network.restart(h.steam_id);
      }
      auto box = boxFor(h.steam_id);
      r_.network.peer(h.steam_id).runCallbacks();  // a previous life's signals are not ours
      std::lock_guard lock(box->mutex);
      box->queued.clear();
    } catch (const std::exception& e) {
      writeError(out, id, ErrorCode::Internal, true,
                 "cannot add Steam ID " + idText(h.steam_id) + ": " + e.what());
      return Outcome::Close;
    }
    {
      std::lock_guard lock(r_.mutex);
      r_.attached.insert(h.steam_id);
    }
    if (r_.notify_attach) r_.notify_attach();
    if (r_.options.on_attach_change) r_.options.on_attach_change(h.steam_id, true);
  }
  client.welcomed = true;
  client.role = h.role;
  client.steam_id = as_peer ? h.steam_id : 0;

  protocol::Writer w(out);
  w.beginFrame(protocol::responseType(FrameType::Hello), id);
  protocol::Welcome welcome;
  welcome.role = h.role;
  welcome.steam_id = client.steam_id;
  welcome.now_us = r_.network.now().count();
  welcome.server = "steamsim 0.1.0";
  encode(w, welcome);
  w.endFrame();
  return Outcome::Continue;
}

void Dispatcher::disconnected(ClientState& client) {
  if (!client.welcomed || client.steam_id == 0) return;
  const SteamId id = client.steam_id;
  client.welcomed = false;
  try {
    if (r_.network.hasPeer(id) && !r_.network.peer(id).crashed()) r_.network.crash(id);
  } catch (const std::exception&) {
    // The network is going away with the server; nothing left to crash.
  }
  {
    std::lock_guard lock(r_.mutex);
    r_.attached.erase(id);
  }
  if (r_.options.on_attach_change) r_.options.on_attach_change(id, false);
}

Outcome Dispatcher::handle(ClientState& client, const protocol::FrameHeader& header,
                           std::span<const std::uint8_t> body, std::vector<std::uint8_t>& out) {
  if (!client.welcomed) return hello(client, header, body, out);

  const std::uint16_t type = header.type;
  const bool peer_request = protocol::isPeerRequest(type);
  const bool control_request = protocol::isControlRequest(type);
  if (!peer_request && !control_request) {
    writeError(out, header.request_id, ErrorCode::UnknownType, false,
               "unknown request type " + std::to_string(type));
    return Outcome::Continue;
  }
  if (peer_request && (client.role & protocol::kRolePeer) == 0) {
    writeError(out, header.request_id, ErrorCode::NotPermitted, false,
               "API calls need the peer role (attach as a Steam ID)");
    return Outcome::Continue;
  }
  if (control_request && (client.role & protocol::kRoleControl) == 0) {
    writeError(out, header.request_id, ErrorCode::NotPermitted, false,
               "network control needs the control role");
    return Outcome::Continue;
  }

  const std::size_t rollback = out.size();
  protocol::Writer w(out);
  w.beginFrame(static_cast<std::uint16_t>(type | protocol::kResponseBit), header.request_id);
  protocol::Reader in(body);
  try {
    if (peer_request) {
      peerRequest(client, header, in, w);
    } else {
      controlRequest(header, in, w);
    }
    w.endFrame();
    return Outcome::Continue;
  } catch (const protocol::DecodeError& e) {
    out.resize(rollback);
    writeError(out, header.request_id, ErrorCode::Malformed, true,
               "request type " + std::to_string(type) + ": " + e.what());
    return Outcome::Close;
  } catch (const Refusal& refusal) {
    out.resize(rollback);
    writeError(out, header.request_id, refusal.code, false, refusal.text);
  } catch (const std::out_of_range& e) {
    out.resize(rollback);
    writeError(out, header.request_id, ErrorCode::UnknownPeer, false, e.what());
  } catch (const std::invalid_argument& e) {
    out.resize(rollback);
    writeError(out, header.request_id, ErrorCode::InvalidArgument, false, e.what());
  } catch (const std::exception& e) {
    out.resize(rollback);
    writeError(out, header.request_id, ErrorCode::Internal, false, e.what());
  }
  return Outcome::Continue;
}

void Dispatcher::receive(ClientState& client, Peer& peer, int channel, int max_messages,
                         protocol::Writer& w) {
  // Budget: the frame cap minus the header and the count.
  constexpr std::size_t kBudget = protocol::kMaxFrameLength - 6 - 4;
  std::vector<Message> batch;
  if (max_messages > 0) {
    auto held = client.holdback.find(channel);
    if (held != client.holdback.end()) {
      while (!held->second.empty() && static_cast<int>(batch.size()) < max_messages) {
        batch.push_back(std::move(held->second.front()));
        held->second.pop_front();
      }
      if (held->second.empty()) client.holdback.erase(held);
    }
    if (static_cast<int>(batch.size()) < max_messages && client.holdback.count(channel) == 0) {
      auto fresh =
          peer.receiveMessagesOnChannel(channel, max_messages - static_cast<int>(batch.size()));
      if (batch.empty()) {
        batch = std::move(fresh);
      } else {
        for (auto& m : fresh) batch.push_back(std::move(m));
      }
    }
  }
  std::size_t fit = 0;
  std::size_t bytes = 0;
  while (fit < batch.size()) {
    const std::size_t size = protocol::encodedSize(batch[fit]);
    if (fit > 0 && bytes + size > kBudget) break;
    bytes += size;
    ++fit;
  }
  if (fit < batch.size()) {
    auto& held = client.holdback[channel];
    for (std::size_t i = batch.size(); i > fit; --i) held.push_front(std::move(batch[i - 1]));
    batch.resize(fit);
  }
  w.u32(static_cast<std::uint32_t>(batch.size()));
  for (const Message& m : batch) encode(w, m);
  if (!batch.empty() && r_.options.on_messages_read) {
    r_.options.on_messages_read(client.steam_id, batch);
  }
}

void Dispatcher::peerRequest(ClientState& client, const protocol::FrameHeader& header,
                             protocol::Reader& in, protocol::Writer& w) {
  Peer& peer = r_.network.peer(client.steam_id);
  switch (static_cast<FrameType>(header.type)) {
    case FrameType::SendMessageToUser: {
      const SteamId to = in.u64();
      const int flags = in.i32();
      const int channel = in.i32();
      const auto data = in.bytes();
      in.expectEnd();
      w.i32(static_cast<std::int32_t>(peer.sendMessageToUser(to, data, flags, channel)));
      return;
    }
    case FrameType::SendMessagesToUser: {
      const std::uint32_t n = in.count(20);
      w.u32(n);
      // Decode everything first: a malformed batch must not half-run.
      std::vector<protocol::SendItem> items(n);
      for (auto& item : items) {
        item.remote_steam_id = in.u64();
        item.flags = in.i32();
        item.channel = in.i32();
        item.data = in.bytes();
      }
      in.expectEnd();
      for (const auto& item : items) {
        w.i32(static_cast<std::int32_t>(
            peer.sendMessageToUser(item.remote_steam_id, item.data, item.flags, item.channel)));
      }
      return;
    }
    case FrameType::ReceiveMessagesOnChannel: {
      const int channel = in.i32();
      const int max_messages = in.i32();
      in.expectEnd();
      receive(client, peer, channel, max_messages, w);
      return;
    }
    case FrameType::AcceptSessionWithUser: {
      const SteamId with = in.u64();
      in.expectEnd();
      w.boolean(peer.acceptSessionWithUser(with));
      return;
    }
    case FrameType::CloseSessionWithUser: {
      const SteamId with = in.u64();
      in.expectEnd();
      const bool closed = peer.closeSessionWithUser(with);
      // Unread messages from that peer are discarded (B9), held-back ones too.
      for (auto& [channel, held] : client.holdback) {
        std::erase_if(held, [with](const Message& m) { return m.identity == with; });
      }
      w.boolean(closed);
      return;
    }
    case FrameType::CloseChannelWithUser: {
      const SteamId with = in.u64();
      const int channel = in.i32();
      in.expectEnd();
      const bool closed = peer.closeChannelWithUser(with, channel);
      if (closed) {
        if (auto held = client.holdback.find(channel); held != client.holdback.end()) {
          std::erase_if(held->second, [with](const Message& m) { return m.identity == with; });
        }
      }
      w.boolean(closed);
      return;
    }
    case FrameType::GetSessionConnectionInfo: {
      const SteamId with = in.u64();
      const bool get_connection = in.boolean();
      const bool get_status = in.boolean();
      in.expectEnd();
      encode(w, peer.getSessionConnectionInfo(with, get_connection, get_status));
      return;
    }
    case FrameType::RunCallbacks: {
      in.expectEnd();
      peer.runCallbacks();
      std::vector<protocol::Signal> signals;
      {
        auto box = boxFor(client.steam_id);
        std::lock_guard lock(box->mutex);
        signals.swap(box->queued);
      }
      w.u32(static_cast<std::uint32_t>(signals.size()));
      for (const auto& s : signals) encode(w, s);
      return;
    }
    default:
      throw Refusal{ErrorCode::UnknownType, "unknown request type " + std::to_string(header.type)};
  }
}

void Dispatcher::controlRequest(const protocol::FrameHeader& header, protocol::Reader& in,
                                protocol::Writer& w) {
  Network& net = r_.network;
  const auto knownPeer = [&net](SteamId id) {
    if (!net.hasPeer(id))
      throw Refusal{ErrorCode::UnknownPeer, "no peer with Steam ID " + idText(id)};
  };
  switch (static_cast<FrameType>(header.type)) {
    case FrameType::SetDefaultLink: {
      const auto fields = protocol::decodeLinkFields(in);
      in.expectEnd();
      net.setDefaultLink(validConditions(fields));
      return;
    }
    case FrameType::SetLink: {
      const SteamId from = in.u64();
      const SteamId to = in.u64();
      const auto fields = protocol::decodeLinkFields(in);
      in.expectEnd();
      net.setLink(from, to, validConditions(fields));
      return;
    }
    case FrameType::ClearLink: {
      const SteamId from = in.u64();
      const SteamId to = in.u64();
      in.expectEnd();
      net.clearLink(from, to);
      return;
    }
    case FrameType::GetLink: {
      const SteamId from = in.u64();
      const SteamId to = in.u64();
      in.expectEnd();
      encode(w, net.link(from, to));
      return;
    }
    case FrameType::Partition: {
      const auto groups = protocol::decodeGroups(in);
      in.expectEnd();
      for (const auto& group : groups) {
        for (SteamId id : group) knownPeer(id);
      }
      net.partition(groups);
      return;
    }
    case FrameType::Heal:
      in.expectEnd();
      net.heal();
      return;
    case FrameType::CrashPeer: {
      const SteamId id = in.u64();
      in.expectEnd();
      knownPeer(id);
      net.crash(id);
      return;
    }
    case FrameType::RestartPeer: {
      const SteamId id = in.u64();
      in.expectEnd();
      knownPeer(id);
      net.restart(id);
      return;
    }
    case FrameType::AddPeer: {
      const SteamId id = in.u64();
      in.expectEnd();
      if (id == 0) throw Refusal{ErrorCode::InvalidArgument, "Steam ID 0 is invalid"};
      if (net.hasPeer(id)) {
        throw Refusal{ErrorCode::InvalidArgument, "Steam ID " + idText(id) + " already exists"};
      }
      net.addPeer(id);
      return;
    }
    case FrameType::NetworkCounters: {
      in.expectEnd();
      const NetworkCounters c = net.counters();
      w.u64(c.events);
      w.u64(c.datagrams);
      w.u64(c.socket_bytes_read);
      w.u64(c.kernel_lost);
      return;
    }
    case FrameType::LinkCounters: {
      const SteamId from = in.u64();
      const SteamId to = in.u64();
      in.expectEnd();
      const LinkCounters c = net.linkCounters(from, to);
      for (std::uint64_t v : {c.offered, c.offered_bytes, c.dropped_down, c.dropped_rate_limit,
                              c.dropped_loss, c.dropped_burst, c.delayed, c.reordered, c.duplicated,
                              c.corrupted, c.delivered, c.delivered_bytes, c.undeliverable}) {
        w.u64(v);
      }
      return;
    }
    case FrameType::PeerCounters: {
      const SteamId id = in.u64();
      in.expectEnd();
      knownPeer(id);
      const PeerCounters c = net.peer(id).counters();
      for (std::uint64_t v : {c.datagrams_received, c.datagrams_accepted, c.rejected_malformed,
                              c.rejected_checksum, c.rejected_foreign, c.rejected_stale,
                              c.messages_received, c.messages_dropped_cap, c.retransmissions}) {
        w.u64(v);
      }
      return;
    }
    case FrameType::TraceHash:
      in.expectEnd();
      w.u64(net.traceHash());
      return;
    case FrameType::Now:
      in.expectEnd();
      w.i64(net.now().count());
      return;
    case FrameType::ListPeers: {
      in.expectEnd();
      const auto ids = net.peerIds();
      std::set<SteamId> attached;
      {
        std::lock_guard lock(r_.mutex);
        attached = r_.attached;
      }
      w.u32(static_cast<std::uint32_t>(ids.size()));
      for (SteamId id : ids) {
        Peer& p = net.peer(id);
        encode(w, protocol::PeerEntry{id, attached.count(id) != 0, p.crashed(), p.socketAddress()});
      }
      return;
    }
    default:
      throw Refusal{ErrorCode::UnknownType, "unknown request type " + std::to_string(header.type)};
  }
}

}  // namespace steamsim::remote
