#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of whole records cut from a text file, the unit of parallel work.
struct TextBlock: Sendable {
    /// The block's bytes; only `bytes[0 ..< count]` belong to the block.
    var bytes: [UInt8]
    var count: Int
    /// Where `bytes[0]` sits in the file.
    var fileOffset: Int
    /// 0, 1, 2… in file order.
    var index: Int
}

/// Finds where the records of a text format end, so blocks never split one.
protocol RecordBoundaryFinder {
    /// Looks at `buffer[0 ..< count]`, which starts at a record boundary, and
    /// returns the end of the last complete record in it (just past its line
    /// feed), or nil if no record ends there. `count` only grows between calls
    /// until a boundary is returned, so a finder may remember how far it has looked.
    mutating func lastBoundary(in buffer: UnsafeBufferPointer<UInt8>) -> Int?
    /// Forgets everything: the next buffer starts at a new record.
    mutating func reset()
}

/// JSON Lines: every line feed ends a record.
struct LineFeedBoundary: RecordBoundaryFinder {
    mutating func lastBoundary(in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        // Backwards: the last line feed is usually within one line of the end.
        var i = buffer.count - 1
        while i >= 0 {
            if buffer[i] == 0x0A { return i + 1 }
            i -= 1
        }
        return nil
    }
    mutating func reset() {}
}

/// Reads a file as a sequence of blocks of about `blockSize` bytes, each ending
/// at a record boundary, so each can be parsed on its own thread. A record
/// longer than a block grows the block; nothing else is ever held. Buffers
/// handed back with `recycle` are reused, so a long read does not keep
/// asking the system for fresh (page-faulting) memory.
struct BlockReader<Finder: RecordBoundaryFinder> {
    let file: InputFile
    let blockSize: Int
    var finder: Finder
    private var carry: [UInt8] = []
    private var spare: [[UInt8]] = []
    private var offset: Int       // file offset of the next unread byte
    private var carryOffset: Int  // file offset of carry[0]
    private var nextIndex = 0

    init(file: InputFile, blockSize: Int, startOffset: Int = 0, finder: Finder) {
        self.file = file
        self.blockSize = blockSize
        self.finder = finder
        offset = startOffset
        carryOffset = startOffset
    }

    /// Gives a block's buffer back for reuse.
    mutating func recycle(_ buffer: [UInt8]) {
        if spare.count < 16 { spare.append(buffer) }
    }

    /// The next block, or nil at the end of the file.
    mutating func next() throws -> TextBlock? {
        // Buffers are always full-length arrays; only the first `have` bytes
        // hold data, so reading never zero-fills.
        var buffer = spare.popLast() ?? []
        let wanted = carry.count + blockSize
        if buffer.count < wanted { buffer = [UInt8](repeating: 0, count: wanted) }
        var have = carry.count
        buffer.withUnsafeMutableBufferPointer { b in
            carry.withUnsafeBufferPointer { c in
                if c.count > 0 { b.baseAddress!.update(from: c.baseAddress!, count: c.count) }
            }
        }
        carry.removeAll(keepingCapacity: true)
        while true {
            let toRead = min(buffer.count - have, max(0, file.size - offset))
            if toRead > 0 {
                var got = 0
                let (f, off, at) = (file, offset, have)
                try buffer.withUnsafeMutableBytes { raw in
                    got = try f.read(into: raw.baseAddress! + at, count: toRead, at: off)
                }
                have += got
                offset += got
                if got < toRead { offset = file.size }  // the file shrank while reading
            }
            let atEnd = offset >= file.size
            if have == 0 {
                recycle(buffer)
                return nil
            }
            let boundary = buffer.withUnsafeBufferPointer { finder.lastBoundary(in: UnsafeBufferPointer(rebasing: $0[0 ..< have])) }
            if let end = boundary ?? (atEnd ? have : nil) {
                finder.reset()
                carry.append(contentsOf: buffer[end ..< have])
                let block = TextBlock(bytes: buffer, count: end, fileOffset: carryOffset, index: nextIndex)
                carryOffset += end
                nextIndex += 1
                return block
            }
            // A record longer than the buffer: double it and read on.
            if have == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        }
    }
}
