import Foundation

/// The values of a service's settings, read from its command line and environment and
/// validated at start-up, so that a bad value stops the process with one clear message.
public struct Settings: Sendable {
    /// A setting that could not be read or used: the message names the flag, the variable and
    /// the problem. Services throw it too for values that parse but cannot be used.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        /// Creates the message.
        public init(_ description: String) { self.description = description }
    }

    /// The declared settings, for `--help`.
    public let declared: [Setting]
    private let values: [String: String]

    /// Reads `arguments` (`--flag value` or `--flag=value`) and `environment`.
    /// - Throws: ``Invalid`` for an unknown flag or a flag without a value.
    public init(_ declared: [Setting], arguments: [String], environment: [String: String]) throws {
        self.declared = declared
        var values: [String: String] = [:]
        for setting in declared {
            if let value = environment[setting.environment] { values[setting.flag] = value }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--") else { throw Invalid("unexpected argument \(argument)") }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard declared.contains(where: { $0.flag == name }) else { throw Invalid("unknown option --\(name); see --help") }
            if value == nil {
                index += 1
                guard index < arguments.count else { throw Invalid("option --\(name) needs a value") }
                value = arguments[index]
            }
            values[name] = value
            index += 1
        }
        self.values = values
    }

    /// The raw value of a setting.
    /// - Throws: ``Invalid`` when a required setting has no value.
    public func string(_ setting: Setting) throws -> String {
        if let value = values[setting.flag] ?? setting.defaultValue { return value }
        throw Invalid("--\(setting.flag) (\(setting.environment)) is required")
    }

    /// The value of a setting that may be empty or unset.
    public func optionalString(_ setting: Setting) -> String? {
        guard let value = values[setting.flag] ?? setting.defaultValue, !value.isEmpty else { return nil }
        return value
    }

    /// An integer setting within `range`.
    /// - Throws: ``Invalid``.
    public func integer(_ setting: Setting, in range: ClosedRange<Int>) throws -> Int {
        let text = try string(setting)
        guard let value = Int(text), range.contains(value) else {
            throw Invalid("--\(setting.flag) (\(setting.environment)) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A duration given in seconds (`900`), or with a unit: `500ms`, `30s`, `15m`, `12h`, `7d`.
    /// - Throws: ``Invalid`` for another form or a value outside `range`.
    public func duration(_ setting: Setting, in range: ClosedRange<Duration>) throws -> Duration {
        let text = try string(setting)
        guard let value = Self.parseDuration(text), range.contains(value) else {
            throw Invalid(
                "--\(setting.flag) (\(setting.environment)) must be a duration like 900, 30s, 15m, 12h or 7d, within \(range.lowerBound)...\(range.upperBound)"
            )
        }
        return value
    }

    /// A comma-separated list; empty items are dropped.
    public func list(_ setting: Setting) -> [String] {
        (optionalString(setting) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return .milliseconds(Int64((number * seconds * 1000).rounded()))
        }
        guard let number = Double(text), number >= 0 else { return nil }
        return .milliseconds(Int64((number * 1000).rounded()))
    }

    /// The `--help` text: every setting with its flag, variable, default and help line.
    public static func helpText(program: String, summary: String, settings: [Setting]) -> String {
        var lines = ["\(program): \(summary)", "", "Settings (flag, environment variable, default):"]
        for setting in settings {
            let fallback = setting.isSecret ? "(secret)" : setting.defaultValue.map { $0.isEmpty ? "(empty)" : $0 } ?? "(required)"
            lines.append("  --\(setting.flag) <value>  \(setting.environment)  [\(fallback)]")
            lines.append("      \(setting.help)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
