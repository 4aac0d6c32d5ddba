/// One configuration setting: a `--flag` and an environment variable with one documented
/// name each, a default, and a help line. A flag wins over the environment, the environment
/// over the default.
public struct Setting: Sendable, Hashable {
    /// The flag without its dashes, e.g. `port`.
    public let flag: String
    /// The environment variable, e.g. `PORT`.
    public let environment: String
    /// The value when neither flag nor environment variable is given; nil means required.
    public let defaultValue: String?
    /// One line for `--help`.
    public let help: String
    /// Whether the value is secret: it is never printed, and `--help` does not show a default.
    public let isSecret: Bool

    /// Declares a setting.
    public init(_ flag: String, env: String, default defaultValue: String?, help: String, secret: Bool = false) {
        self.flag = flag
        self.environment = env
        self.defaultValue = defaultValue
        self.help = help
        self.isSecret = secret
    }
}
