/// A flag that Ctrl-C sets and long-running commands poll, so that an
/// interrupt cancels the running command and not the session.
///
/// The flag is a single machine word written from a signal handler, which is
/// why it is raw memory rather than a lock-protected property.
public final class Cancellation: @unchecked Sendable {
    private let flag: UnsafeMutablePointer<Int32>

    public init() {
        flag = .allocate(capacity: 1)
        flag.initialize(to: 0)
    }

    deinit { flag.deallocate() }

    /// Raw address for a signal handler to store 1 into.
    public var address: UnsafeMutablePointer<Int32> { flag }

    public var isCancelled: Bool { flag.pointee != 0 }

    public func cancel() { flag.pointee = 1 }

    public func reset() { flag.pointee = 0 }

    /// Throws "interrupted" if the user pressed Ctrl-C since the last reset.
    public func check() throws(LontarError) {
        if isCancelled { throw LontarError("interrupted") }
    }
}
