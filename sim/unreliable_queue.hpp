// SPDX-License-Identifier: MIT
#pragma once
// A connection's unreliable messages waiting to be sent, oldest first. Each is stored as its
// encoded whole-message frame (header, then the payload, copied in once), back to back with
// the others, so a run of whole messages goes into a datagram with one copy; nothing is
// allocated per message in steady state and nothing is moved as messages leave. Two buffers take
// turns: new messages go to the one being read only while nothing of it has been read, otherwise to
// the other one; a buffer read to its end is cleared (keeping its capacity) and the other one
// is read next.

#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "byte_buffer.hpp"
#include "time.hpp"
#include "wire.hpp"

namespace steamsim::detail {

class UnreliableQueue {
 public:
  struct Entry {
    std::uint64_t number = 0;
    std::int32_t channel = 0;
    std::uint32_t size = 0;
    std::uint32_t sent = 0;   ///< bytes already sent as fragments
    std::size_t offset = 0;   ///< of the frame in its buffer
    std::uint8_t header = 0;  ///< frame bytes before the payload
    TimeUs ready_at = 0;      ///< Nagle deadline
    /// Bytes of the whole-message frame.
    std::size_t frameSize() const { return std::size_t{header} + size; }
  };

  bool empty() const { return read_.head == read_.entries.size(); }
  Entry& front() { return read_.entries[read_.head]; }
  const Entry& front() const { return read_.entries[read_.head]; }
  /// The payload of the front entry.
  std::span<const std::uint8_t> frontPayload() const {
    const Entry& e = front();
    return {read_.bytes.data() + e.offset + e.header, e.size};
  }
  /// Entries that lie back to back from the front (at least 1 unless empty).
  std::size_t run() const { return read_.entries.size() - read_.head; }
  /// The `i`th entry from the front, i < run().
  const Entry& at(std::size_t i) const { return read_.entries[read_.head + i]; }
  /// The encoded frames of the first `n` entries (n <= run()), back to back.
  std::span<const std::uint8_t> frames(std::size_t n) const {
    const Entry& first = front();
    const Entry& last = at(n - 1);
    return {read_.bytes.data() + first.offset, last.offset + last.frameSize() - first.offset};
  }

  void push(std::uint64_t number, std::int32_t channel, std::span<const std::uint8_t> payload,
            TimeUs ready_at) {
    Buffer& to = read_.head == 0 && write_.entries.empty() ? read_ : write_;
    const std::size_t offset = to.bytes.size();
    std::uint8_t* out =
        to.bytes.append(wire::PacketWriter::kMaxWholeUnreliableHeader + payload.size());
    const std::size_t n =
        wire::PacketWriter::encodeWholeUnreliableHeader(number, channel, payload.size(), out);
    if (!payload.empty()) std::memcpy(out + n, payload.data(), payload.size());
    to.bytes.truncate(offset + n + payload.size());
    to.entries.push_back(Entry{number, channel, static_cast<std::uint32_t>(payload.size()), 0,
                               offset, static_cast<std::uint8_t>(n), ready_at});
  }

  /// Removes the first `n` entries (n <= run()).
  void pop(std::size_t n = 1) {
    read_.head += n;
    if (read_.head < read_.entries.size()) return;
    read_.clear();
    std::swap(read_, write_);
  }

  void clear() {
    read_.clear();
    write_.clear();
  }

 private:
  struct Buffer {
    std::vector<Entry> entries;
    ByteBuffer bytes;
    std::size_t head = 0;  // entries before it were read
    void clear() {
      entries.clear();
      bytes.clear();
      head = 0;
    }
  };
  Buffer read_;
  Buffer write_;
};

}  // namespace steamsim::detail
