/// One event read from an inotify descriptor.
///
/// `struct inotify_event` ends in a flexible `char name[]` that Swift does not import, so
/// events are decoded by hand: a 16-byte header (`wd`, `mask`, `cookie`, `len`), then
/// `len` bytes of NUL-padded name. The buffer is not aligned for the header after the
/// first event, hence `loadUnaligned`.
public struct InotifyEvent: Equatable, Sendable {
    public var watchDescriptor: Int32
    public var mask: UInt32
    public var cookie: UInt32
    /// The file's name inside the watched folder; empty for events about the folder itself.
    public var name: String

    public init(watchDescriptor: Int32, mask: UInt32, cookie: UInt32 = 0, name: String) {
        self.watchDescriptor = watchDescriptor
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// The size of the fixed part of `struct inotify_event`.
    public static let headerSize = 16

    /// Decodes every complete event in `buffer` (what one `read` returned). A truncated
    /// event at the end, which the kernel never produces, is ignored rather than trusted.
    public static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= buffer.count {
            let descriptor = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= buffer.count else { break }
            let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[nameStart..<(nameStart + length)])
            let end = nameBytes.firstIndex(of: 0) ?? nameBytes.count
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: nameBytes[0..<end]), as: UTF8.self)
            events.append(InotifyEvent(watchDescriptor: descriptor, mask: mask, cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }

    /// Encodes events the way the kernel does (names NUL-padded to a multiple of 4), for tests.
    public static func encode(_ events: [InotifyEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        for event in events {
            var name = Array(event.name.utf8)
            if !name.isEmpty {
                name.append(0)
                while name.count % 4 != 0 { name.append(0) }
            }
            withUnsafeBytes(of: event.watchDescriptor.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: event.mask.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: event.cookie.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(name.count).littleEndian) { bytes += $0 }
            bytes += name
        }
        return bytes
    }
}
