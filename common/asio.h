// Include this before any Boost.Asio or Beast header. Boost 1.74's
// awaitable.hpp uses std::exchange without including <utility>, which g++ 12
// in C++20 mode rejects (see docs/building.md).
#pragma once

#include <utility>

#include <boost/asio.hpp>

namespace tributary {
namespace asio = boost::asio;
}
