import Glibc

/// What one wait of an event loop found on the keyboard.
enum KeyboardInput: Equatable {
    /// Bytes the keyboard sent.
    case bytes([UInt8])
    /// The terminal hung up (closed window): nobody is there any more.
    case closed
    /// The wait's time ran out with nothing anywhere.
    case timedOut
    /// Something else woke the loop (a worker's event, a signal, an interrupted wait).
    case nothing
}

/// One wait of a terminal event loop (watch mode, `class --watch`): `poll(2)` on the
/// keyboard (nil once the terminal is gone), a worker's event pipe and the signal relay,
/// for at most `timeout` milliseconds (-1: no limit); then reads what the keyboard sent.
/// The caller drains the pipe and the relay itself. Returns nil when `poll` fails.
func waitForInput(keyboard: Int32?, events: Int32, signals: Int32, timeout: Int32) -> KeyboardInput? {
    var descriptors = [
        pollfd(fd: keyboard ?? -1, events: Int16(POLLIN), revents: 0),
        pollfd(fd: events, events: Int16(POLLIN), revents: 0),
        pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
    ]
    let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
    if ready < 0 { return errno == EINTR ? .nothing : nil }
    if ready == 0 { return .timedOut }
    guard let keyboard, descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return .nothing }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let count = read(keyboard, &buffer, buffer.count)
    if count > 0 { return .bytes(Array(buffer[0..<count])) }
    if count == 0 || (errno != EINTR && errno != EAGAIN) { return .closed }
    return .nothing
}
