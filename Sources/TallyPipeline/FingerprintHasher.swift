/// Takes an input's stored bytes in the order they are read and gives their fingerprint:
/// `ContentFingerprint.Hasher` on the reading thread, `BackgroundHasher` on a thread of its own.
protocol FingerprintHasher: AnyObject {
    func update(_ bytes: UnsafeRawBufferPointer)
    /// The fingerprint of every byte given so far; no bytes may follow.
    func finish() -> ContentFingerprint
}
