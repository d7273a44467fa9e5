/*
 * UDP datagrams received in batches and handed to JavaScript one batch per call.
 *
 * Node's dgram reads one datagram per system call and enters JavaScript once per datagram; at
 * syslog rates those two costs are most of a message's CPU. Here the socket is polled on the
 * thread's own libuv loop, and each time it is readable recvmmsg(2) takes up to BATCH_MAX
 * datagrams at once (as rsyslogd's imudp does). A batch reaches JavaScript as one call:
 *
 *   onBatch(data: Buffer, info: Int32Array, addresses: string[], count: number)
 *
 * data holds the payloads end to end; for message i, info[3i] is where its payload ends in data,
 * info[3i + 1] the sender's port and info[3i + 2] 1 when the datagram was longer than the limit
 * and cut to it (MSG_TRUNC), else 0. addresses[i] is the sender's address as Node writes it.
 *
 * open(address, port, receiveBufferBytes, maxMessageBytes, onBatch) binds the socket and returns a
 * handle with localPort(), receiveBufferBytes(), kernelDrops() and close(callback). kernelDrops() is
 * the socket's own count of datagrams the kernel dropped before they were read (a full receive
 * buffer; SO_MEMINFO's SK_MEMINFO_DROPS, 32 bits, wrapping), or -1 where the kernel cannot say. Errors at open are thrown with
 * the errno's name as `code` and a message like Node's (`bind EADDRINUSE 127.0.0.1:514`).
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams a recvmmsg call takes at most. */
#define BATCH_MAX 64
/* Batches taken per readable event before the loop gets its turn back (timers, other sockets). */
#define BATCHES_PER_TURN 16

typedef struct {
  napi_env env;
  uv_poll_t poll;
  int fd;
  int closing;
  int handle_closed;
  int finalized;
  size_t slot_bytes;
  unsigned char *slots;
  struct mmsghdr msgs[BATCH_MAX];
  struct iovec iov[BATCH_MAX];
  struct sockaddr_storage from[BATCH_MAX];
  napi_ref on_batch;
  napi_ref self;
  napi_ref on_closed;
  napi_async_context async;
} receiver_t;

#define CHECK(env, call)                                                                           \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error((env), NULL, "udp-batch: N-API call failed: " #call);                       \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static void throw_errno(napi_env env, const char *syscall, int error, const char *address, int port) {
  char message[160];
  const char *name = uv_err_name(-error);
  snprintf(message, sizeof message, "%s %s %s:%d", syscall, name, address, port);
  napi_throw_error(env, name, message);
}

/* The sender's address as Node's dgram reports it: dotted IPv4, or IPv6 (IPv4-mapped when so). */
static napi_value address_string(napi_env env, const struct sockaddr_storage *from) {
  char text[INET6_ADDRSTRLEN];
  const void *raw = from->ss_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)from)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)from)->sin_addr;
  napi_value value;
  if (inet_ntop(from->ss_family, raw, text, sizeof text) == NULL) text[0] = '\0';
  napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &value);
  return value;
}

static int port_of(const struct sockaddr_storage *from) {
  return ntohs(from->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)from)->sin6_port
                                           : ((const struct sockaddr_in *)from)->sin_port);
}

static int same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return 0;
  if (a->ss_family == AF_INET6)
    return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
                  sizeof(struct in6_addr)) == 0;
  return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

/* Calls JavaScript from the loop (not from a JS frame): an exception it throws becomes uncaught, as in an event handler. */
static void call_js(receiver_t *r, napi_ref function_ref, size_t argc, napi_value *argv) {
  napi_env env = r->env;
  napi_value function, self;
  if (napi_get_reference_value(env, function_ref, &function) != napi_ok || function == NULL) return;
  napi_get_reference_value(env, r->self, &self);
  if (napi_make_callback(env, r->async, self, function, argc, argv, NULL) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
}

static void deliver(receiver_t *r, int count) {
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;

  size_t total = 0;
  for (int i = 0; i < count; i++) total += r->msgs[i].msg_len;

  napi_value argv[4];
  void *data = NULL;
  napi_create_buffer(env, total, &data, &argv[0]);
  napi_value info_buffer;
  void *info_data = NULL;
  napi_create_arraybuffer(env, (size_t)count * 3 * sizeof(int32_t), &info_data, &info_buffer);
  napi_create_typedarray(env, napi_int32_array, (size_t)count * 3, info_buffer, 0, &argv[1]);
  napi_create_array_with_length(env, (size_t)count, &argv[2]);
  napi_create_int32(env, count, &argv[3]);

  int32_t *info = info_data;
  unsigned char *out = data;
  size_t at = 0;
  napi_value address = NULL;
  for (int i = 0; i < count; i++) {
    size_t length = r->msgs[i].msg_len;
    if (length > 0) memcpy(out + at, r->slots + (size_t)i * r->slot_bytes, length);
    at += length;
    info[3 * i] = (int32_t)at;
    info[3 * i + 1] = port_of(&r->from[i]);
    info[3 * i + 2] = (r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 1 : 0;
    /* A batch usually comes from a few senders: one string per run of the same address. */
    if (address == NULL || !same_address(&r->from[i], &r->from[i - 1])) address = address_string(env, &r->from[i]);
    napi_set_element(env, argv[2], (uint32_t)i, address);
  }
  call_js(r, r->on_batch, 4, argv);
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  receiver_t *r = poll->data;
  if (status < 0) return;
  for (int turn = 0; turn < BATCHES_PER_TURN && !r->closing; turn++) {
    for (int i = 0; i < BATCH_MAX; i++) {
      r->iov[i].iov_base = r->slots + (size_t)i * r->slot_bytes;
      r->iov[i].iov_len = r->slot_bytes;
      r->msgs[i].msg_hdr.msg_iov = &r->iov[i];
      r->msgs[i].msg_hdr.msg_iovlen = 1;
      r->msgs[i].msg_hdr.msg_name = &r->from[i];
      r->msgs[i].msg_hdr.msg_namelen = sizeof r->from[i];
      r->msgs[i].msg_hdr.msg_control = NULL;
      r->msgs[i].msg_hdr.msg_controllen = 0;
      r->msgs[i].msg_hdr.msg_flags = 0;
      r->msgs[i].msg_len = 0;
    }
    int count = recvmmsg(r->fd, r->msgs, BATCH_MAX, MSG_DONTWAIT, NULL);
    if (count < 0) {
      if (errno == EINTR) continue;
      /* EAGAIN: drained. Any other error (an ICMP error queued on the socket) is consumed by the
         call; the next readable event reads on, so a lasting error cannot spin this loop. */
      break;
    }
    if (count == 0) break;
    deliver(r, count);
    if (count < BATCH_MAX) break;
  }
}

static void free_if_done(receiver_t *r) {
  if (r->handle_closed && r->finalized) {
    free(r->slots);
    free(r);
  }
}

static void on_handle_closed(uv_handle_t *handle) {
  receiver_t *r = handle->data;
  napi_env env = r->env;
  close(r->fd);
  r->fd = -1;
  if (r->on_closed != NULL) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) == napi_ok) {
      call_js(r, r->on_closed, 0, NULL);
      napi_close_handle_scope(env, scope);
    }
    napi_delete_reference(env, r->on_closed);
    r->on_closed = NULL;
  }
  napi_delete_reference(env, r->on_batch);
  napi_async_destroy(env, r->async);
  napi_delete_reference(env, r->self);
  r->handle_closed = 1;
  free_if_done(r);
}

static void begin_close(receiver_t *r) {
  if (r->closing) return;
  r->closing = 1;
  uv_poll_stop(&r->poll);
  uv_close((uv_handle_t *)&r->poll, on_handle_closed);
}

/* The thread's environment is going away (a worker ends) with the socket still open. */
static void on_env_cleanup(void *arg) {
  receiver_t *r = arg;
  if (r->closing) return;
  r->closing = 1;
  uv_poll_stop(&r->poll);
  close(r->fd);
  r->fd = -1;
}

static void on_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  receiver_t *r = data;
  r->finalized = 1;
  free_if_done(r);
}

static receiver_t *unwrap_this(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  receiver_t *r = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, (void **)&r) != napi_ok) {
    napi_throw_error(env, NULL, "udp-batch: not a receiver");
    return NULL;
  }
  return r;
}

/* The receiver a method without arguments was called on. */
static receiver_t *this_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  return unwrap_this(env, info, &argc, NULL);
}

static napi_value local_port(napi_env env, napi_callback_info info) {
  receiver_t *r = this_receiver(env, info);
  if (r == NULL) return NULL;
  struct sockaddr_storage local;
  socklen_t length = sizeof local;
  napi_value value;
  int port = (r->fd >= 0 && getsockname(r->fd, (struct sockaddr *)&local, &length) == 0) ? port_of(&local) : 0;
  CHECK(env, napi_create_int32(env, port, &value));
  return value;
}

static napi_value get_receive_buffer_bytes(napi_env env, napi_callback_info info) {
  receiver_t *r = this_receiver(env, info);
  if (r == NULL) return NULL;
  int size = 0;
  socklen_t length = sizeof size;
  if (r->fd >= 0) getsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &size, &length);
  napi_value value;
  CHECK(env, napi_create_int32(env, size, &value));
  return value;
}

static napi_value kernel_drops(napi_env env, napi_callback_info info) {
  receiver_t *r = this_receiver(env, info);
  if (r == NULL) return NULL;
  uint32_t meminfo[SK_MEMINFO_VARS] = {0};
  socklen_t length = sizeof meminfo;
  double drops = -1;
  if (r->fd >= 0 && getsockopt(r->fd, SOL_SOCKET, SO_MEMINFO, meminfo, &length) == 0 &&
      length > SK_MEMINFO_DROPS * sizeof(uint32_t))
    drops = meminfo[SK_MEMINFO_DROPS];
  napi_value value;
  CHECK(env, napi_create_double(env, drops, &value));
  return value;
}

static napi_value close_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  receiver_t *r = unwrap_this(env, info, &argc, argv);
  if (r == NULL) return NULL;
  napi_valuetype type = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &type);
  if (!r->closing) {
    if (type == napi_function) CHECK(env, napi_create_reference(env, argv[0], 1, &r->on_closed));
    napi_remove_env_cleanup_hook(env, on_env_cleanup, r);
    begin_close(r);
  }
  return NULL;
}

static int open_socket(napi_env env, const char *address, int port, int receive_buffer_bytes) {
  struct sockaddr_storage bound;
  memset(&bound, 0, sizeof bound);
  socklen_t bound_length;
  int family;
  if (strchr(address, ':') != NULL) {
    struct sockaddr_in6 *six = (struct sockaddr_in6 *)&bound;
    family = six->sin6_family = AF_INET6;
    six->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, address, &six->sin6_addr) != 1) family = -1;
    bound_length = sizeof *six;
  } else {
    struct sockaddr_in *four = (struct sockaddr_in *)&bound;
    family = four->sin_family = AF_INET;
    four->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &four->sin_addr) != 1) family = -1;
    bound_length = sizeof *four;
  }
  if (family < 0) {
    throw_errno(env, "bind", EINVAL, address, port);
    return -1;
  }
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, "socket", errno, address, port);
    return -1;
  }
  if (family == AF_INET6) {
    int off = 0; /* as Node's udp6: IPv4 senders too, as ::ffff:a.b.c.d */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (receive_buffer_bytes > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  if (bind(fd, (struct sockaddr *)&bound, bound_length) != 0) {
    int error = errno;
    close(fd);
    throw_errno(env, "bind", error, address, port);
    return -1;
  }
  return fd;
}

static napi_value open_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char address[INET6_ADDRSTRLEN + 1];
  size_t address_length = 0;
  int32_t port = 0, buffer_bytes = 0, max_message_bytes = 0;
  napi_valuetype callback_type = napi_undefined;
  if (argc < 5 ||
      napi_get_value_string_latin1(env, argv[0], address, sizeof address, &address_length) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_int32(env, argv[2], &buffer_bytes) != napi_ok ||
      napi_get_value_int32(env, argv[3], &max_message_bytes) != napi_ok ||
      napi_typeof(env, argv[4], &callback_type) != napi_ok || callback_type != napi_function ||
      port < 0 || port > 65535 || max_message_bytes < 1 || max_message_bytes > 65536) {
    napi_throw_type_error(env, NULL,
                          "udp-batch: open(address, port 0-65535, receiveBufferBytes, maxMessageBytes 1-65536, onBatch)");
    return NULL;
  }

  int fd = open_socket(env, address, port, buffer_bytes);
  if (fd < 0) return NULL;

  receiver_t *r = calloc(1, sizeof *r);
  if (r != NULL) r->slots = malloc((size_t)BATCH_MAX * (size_t)max_message_bytes);
  if (r == NULL || r->slots == NULL) {
    close(fd);
    free(r);
    napi_throw_error(env, "ENOMEM", "udp-batch: out of memory");
    return NULL;
  }
  r->env = env;
  r->fd = fd;
  r->slot_bytes = (size_t)max_message_bytes;

  napi_value self, name;
  napi_property_descriptor methods[] = {
      {"localPort", NULL, local_port, NULL, NULL, NULL, napi_default, NULL},
      {"receiveBufferBytes", NULL, get_receive_buffer_bytes, NULL, NULL, NULL, napi_default, NULL},
      {"kernelDrops", NULL, kernel_drops, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_receiver, NULL, NULL, NULL, napi_default, NULL},
  };
  struct uv_loop_s *loop = NULL;
  if (napi_create_object(env, &self) != napi_ok ||
      napi_define_properties(env, self, sizeof methods / sizeof methods[0], methods) != napi_ok ||
      napi_wrap(env, self, r, on_finalize, NULL, NULL) != napi_ok ||
      napi_get_uv_event_loop(env, &loop) != napi_ok) {
    close(fd);
    free(r->slots);
    free(r);
    napi_throw_error(env, NULL, "udp-batch: could not set up the receiver");
    return NULL;
  }
  /* From here the wrap owns r: its finalizer and the handle's close callback free it together. */
  CHECK(env, napi_create_reference(env, self, 1, &r->self));
  CHECK(env, napi_create_reference(env, argv[4], 1, &r->on_batch));
  CHECK(env, napi_create_string_utf8(env, "UDPBATCHRECEIVER", NAPI_AUTO_LENGTH, &name));
  CHECK(env, napi_async_init(env, self, name, &r->async));
  r->poll.data = r;
  if (uv_poll_init(loop, &r->poll, fd) != 0) {
    napi_throw_error(env, NULL, "udp-batch: could not poll the socket");
    r->closing = 1;
    close(fd);
    r->fd = -1;
    r->handle_closed = 1; /* never opened: the finalizer frees r */
    napi_delete_reference(env, r->on_batch);
    napi_async_destroy(env, r->async);
    napi_delete_reference(env, r->self);
    return NULL;
  }
  if (uv_poll_start(&r->poll, UV_READABLE, on_readable) != 0) {
    napi_throw_error(env, NULL, "udp-batch: could not poll the socket");
    r->closing = 1;
    uv_close((uv_handle_t *)&r->poll, on_handle_closed);
    return NULL;
  }
  CHECK(env, napi_add_env_cleanup_hook(env, on_env_cleanup, r));
  return self;
}

NAPI_MODULE_INIT() {
  napi_value open;
  if (napi_create_function(env, "open", NAPI_AUTO_LENGTH, open_receiver, NULL, &open) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "open", open) != napi_ok) return NULL;
  napi_value batch_max;
  napi_create_int32(env, BATCH_MAX, &batch_max);
  napi_set_named_property(env, exports, "batchMax", batch_max);
  return exports;
}
