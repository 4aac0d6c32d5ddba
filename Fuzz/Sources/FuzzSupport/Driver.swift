import CFuzzer
import Foundation

/// Runs libFuzzer with `target` as the function under test, then exits with its status.
///
/// `target` is called once per input with the bytes, which are valid only for the call.
/// `warmUp` runs first: globals made lazily inside a run would count as that run's leak, and
/// LeakSanitizer cannot follow Swift references whose spare bits hold an enum tag.
public func runFuzzer(warmUp: () -> Void = {}, _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    // An RSA key caches its Montgomery context on its first verification: do that here too.
    for key in FuzzWorld.keys.keys { _ = key.isValidSignature([UInt8](repeating: 1, count: 256), for: [UInt8]()) }
    _ = FuzzWorld.policy
    warmUp()
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(
        withUnsafeMutablePointer(to: &argv) { pointer in
            pointer.withMemoryRebound(to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self, capacity: 1) {
                LLVMFuzzerRunDriver(&argc, $0, target)
            }
        })
}

/// The input as a buffer (empty for a null pointer).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}
