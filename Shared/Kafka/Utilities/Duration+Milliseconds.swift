extension Duration {
    /// Whole milliseconds, rounded down, clamped to librdkafka's `int` range.
    var wholeMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, millis))
    }
}
