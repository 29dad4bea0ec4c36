// The one place vigild includes Boost.Asio. Boost 1.74's Asio does not
// compile under -std=c++20 unless <utility> is included before it.
#pragma once

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
