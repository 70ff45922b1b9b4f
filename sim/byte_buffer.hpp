// SPDX-License-Identifier: MIT
#pragma once
// A growable byte array for send queues: appending hands out room to write into (no
// zero-filling, no per-append bookkeeping beyond a capacity check), so queueing a message
// costs one copy of its bytes. Capacity is kept when cleared.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace steamsim::detail {

class ByteBuffer {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint8_t* data() const { return bytes_.get(); }
  std::uint8_t* data() { return bytes_.get(); }

  /// Grows the buffer by `n` bytes. \return where they go (valid until the next append).
  std::uint8_t* append(std::size_t n) {
    if (n > capacity_ - size_) grow(size_ + n);
    std::uint8_t* out = bytes_.get() + size_;
    size_ += n;
    return out;
  }
  /// Shortens the buffer to `size` (<= size()) bytes.
  void truncate(std::size_t size) { size_ = std::min(size, size_); }
  void clear() { size_ = 0; }
  /// Removes the first `n` (<= size()) bytes, moving the rest to the front.
  void erasePrefix(std::size_t n) {
    if (n < size_) std::memmove(bytes_.get(), bytes_.get() + n, size_ - n);
    size_ -= n;
  }

 private:
  void grow(std::size_t needed) {
    const std::size_t capacity = std::max({needed, capacity_ * 2, std::size_t{256}});
    auto bytes = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
    if (size_ != 0) std::memcpy(bytes.get(), bytes_.get(), size_);
    bytes_ = std::move(bytes);
    capacity_ = capacity;
  }

  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace steamsim::detail
