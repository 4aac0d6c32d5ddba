import AuthEvents

/// Signs every event with the issuer's event key before it is published (docs/EVENTS.md);
/// what the callers write to Redis stays the plain event.
struct SigningPublisher: EventPublishing {
    let inner: any EventPublishing
    let key: EventSigningKey

    func publish(topic: String, key messageKey: String, value: [UInt8], wait: Duration) async -> Bool {
        await inner.publish(topic: topic, key: messageKey, value: SignedEvent.sign(value, with: key), wait: wait)
    }
}
