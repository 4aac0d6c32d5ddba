import Synchronization

/// The key set a verifier uses, replaced atomically while requests run.
///
/// A request reads one consistent snapshot; a replacement (a key event, a JWKS fetch) is
/// visible to every request that starts after it.
public final class KeyDirectory: Sendable {
    private let current: Mutex<KeySet>

    /// Creates a directory holding `keys`.
    public init(_ keys: KeySet = KeySet()) { current = Mutex(keys) }

    /// The current snapshot.
    public var keys: KeySet { current.withLock { $0 } }

    /// Replaces the whole set.
    public func replace(with keys: KeySet) { current.withLock { $0 = keys } }
}
