import Foundation

/// Stops the run with a message when an invariant does not hold: libFuzzer reports the
/// abort as a crash and writes the input that caused it (`crash-<sha1>`).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    guard !condition() else { return }
    FileHandle.standardError.write(Data("invariant broken: \(message())\n".utf8))
    abort()
}
