// Include this before any Boost.Asio or Beast header. Boost 1.74's
// awaitable.hpp uses std::exchange without including <utility>, which g++ 12
// in C++20 mode rejects ("'exchange' is not a member of 'std'").
#pragma once

// <utility> must come first, whatever the include sort order says.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace tributary {
namespace asio = boost::asio;
}
