#include "guest/sdk/session_registry.hpp"

#include <algorithm>

namespace rapidbyte::sdk {

SessionRegistry& SessionRegistry::instance() {
  static SessionRegistry registry;
  return registry;
}

protocol::Session SessionRegistry::add(std::unique_ptr<Connector> connector) {
  protocol::Session session = next_++;
  live_.emplace_back(session, std::move(connector));
  return session;
}

Connector* SessionRegistry::find(protocol::Session session) {
  auto it = std::ranges::find(live_, session, &decltype(live_)::value_type::first);
  return it == live_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Connector> SessionRegistry::remove(protocol::Session session) {
  auto it = std::ranges::find(live_, session, &decltype(live_)::value_type::first);
  if (it == live_.end()) return nullptr;
  std::unique_ptr<Connector> connector = std::move(it->second);
  live_.erase(it);
  return connector;
}

}  // namespace rapidbyte::sdk
