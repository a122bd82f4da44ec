#pragma once
// A small map kept as a sorted vector: for the handful of timelines and components of a stored
// chunk, where a node per entry (std::map) cost more than everything else an insert does.
#include <algorithm>
#include <utility>
#include <vector>

namespace chunkhouse {

template <typename K, typename V>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  const_iterator find(const K& key) const {
    auto it = Lower(key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  std::pair<iterator, bool> try_emplace(const K& key, V value) {
    auto it = std::lower_bound(items_.begin(), items_.end(), key, [](const value_type& e, const K& k) { return e.first < k; });
    if (it != items_.end() && it->first == key) return {it, false};
    return {items_.insert(it, value_type(key, std::move(value))), true};
  }
  V& operator[](const K& key) { return try_emplace(key, V{}).first->second; }
  void reserve(size_t n) { items_.reserve(n); }

 private:
  const_iterator Lower(const K& key) const {
    return std::lower_bound(items_.begin(), items_.end(), key, [](const value_type& e, const K& k) { return e.first < k; });
  }
  std::vector<value_type> items_;
};

}  // namespace chunkhouse
