// The one place vigil-console includes Boost.Asio and Beast. As in vigild
// (daemon/app/include/vigil/app/asio.hpp): Boost 1.74's Asio does not compile
// under -std=c++20 unless <utility> is included before it.
#pragma once

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
