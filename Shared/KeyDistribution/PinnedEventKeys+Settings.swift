import AuthEvents
import ServiceKit

extension PinnedEventKeys {
    /// The consumer's `EVENT_KEYS`. There is no default: a consumer that trusts no event key
    /// does not start.
    /// - Throws: ``Settings/Invalid`` saying what is missing or wrong.
    public static func from(_ settings: Settings) throws -> PinnedEventKeys {
        guard let value = settings.optionalString(SharedSettings.eventKeys) else {
            throw Settings.Invalid(
                "--event-keys (EVENT_KEYS) is required: the issuer's public event key (`tokenctl event-key public --key "
                    + "KEYSTORE_DIR/event-signing.jwk`); events are accepted only when it signed them")
        }
        do {
            return try PinnedEventKeys(setting: value)
        } catch let error as EventError {
            throw Settings.Invalid("--event-keys (EVENT_KEYS): \(error.reason)")
        }
    }
}
