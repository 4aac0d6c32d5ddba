/// The three dot-separated parts of an input, or nil unless it has exactly two dots.
public func compactParts(_ input: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>]? {
    let parts = Array(input).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    return parts.count == 3 ? parts : nil
}

/// The input as a `String` only when it is valid UTF-8, so that it has exactly the input's bytes.
public func exactString(_ input: UnsafeBufferPointer<UInt8>) -> String? {
    String(validating: input, as: UTF8.self)
}
