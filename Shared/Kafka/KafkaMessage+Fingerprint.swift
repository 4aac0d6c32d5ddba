/// FNV-1a over key and value: tells whether the message at an offset is still the one read.
func fingerprint(_ message: KafkaMessage) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ byte: UInt8) {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    if let key = message.key {
        key.forEach(mix)
        mix(1)
    } else {
        mix(0)
    }
    message.value.forEach(mix)
    return hash
}
