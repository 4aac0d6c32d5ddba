import Foundation
import Logging
import SQLiteNIO
import TokenKit

/// A user as the issuer knows it.
struct User: Sendable, Equatable {
    /// The login name, also the tokens' `sub`.
    var username: String
    /// The bcrypt hash of the password (never logged).
    var passwordHash: String
    /// The roles put in the tokens.
    var roles: [String]
    /// A disabled user cannot log in, and its sessions end at their next refresh.
    var disabled = false
}

/// Where users are kept. The SQLite one is ``SQLiteUserStore``; tests may use an in-memory one.
protocol UserStore: Sendable {
    /// The user with this name, or nil.
    /// - Throws: when the store cannot be read.
    func user(named username: String) async throws -> User?
    /// Adds the user, or replaces the password and roles of an existing one.
    /// - Throws: when the store cannot be written.
    func save(_ user: User) async throws
    /// Removes the user. - Returns: whether it existed.
    /// - Throws: when the store cannot be written.
    func delete(named username: String) async throws -> Bool
    /// The bcrypt cost most stored hashes have, or nil when unknown.
    /// - Throws: when the store cannot be read.
    func prevailingHashCost() async throws -> Int?
}

extension UserStore {
    func prevailingHashCost() async throws -> Int? { nil }
}

/// The user store in an embedded SQLite file (vapor/sqlite-nio: every SQLite call runs on
/// NIO's thread pool, never on the cooperative pool).
final class SQLiteUserStore: UserStore {
    private let connection: SQLiteConnection

    private init(connection: SQLiteConnection) { self.connection = connection }

    /// Opens (and creates, with its folder) the database file.
    /// - Throws: a file or SQLite error.
    static func open(path: String, logger: Logger) async throws -> SQLiteUserStore {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        _ = try await connection.query("PRAGMA journal_mode=WAL", [])
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS users (
                username TEXT PRIMARY KEY NOT NULL,
                password_hash TEXT NOT NULL,
                roles TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0
            )
            """, [])
        // Stores made before `disabled` existed get the column.
        let columns = try await connection.query("PRAGMA table_info(users)", []).compactMap { $0.column("name")?.string }
        if !columns.contains("disabled") {
            _ = try await connection.query("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0", [])
        }
        return SQLiteUserStore(connection: connection)
    }

    func user(named username: String) async throws -> User? {
        let rows = try await connection.query(
            "SELECT username, password_hash, roles, disabled FROM users WHERE username = ?", [.text(username)])
        guard let row = rows.first, let name = row.column("username")?.string, let hash = row.column("password_hash")?.string,
            let rolesText = row.column("roles")?.string
        else { return nil }
        let roles = (try? JSONValue.parse(Array(rolesText.utf8)))?.arrayValue?.compactMap(\.stringValue) ?? []
        return User(username: name, passwordHash: hash, roles: roles, disabled: row.column("disabled")?.integer != 0)
    }

    func save(_ user: User) async throws {
        let roles = JSONValue.array(user.roles.map(JSONValue.string)).jsonText
        _ = try await connection.query(
            """
            INSERT INTO users (username, password_hash, roles, updated_at, disabled) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, roles = excluded.roles,
                updated_at = excluded.updated_at, disabled = excluded.disabled
            """,
            [
                .text(user.username), .text(user.passwordHash), .text(roles), .integer(SQLiteInt64(Date().timeIntervalSince1970)),
                .integer(user.disabled ? 1 : 0),
            ])
    }

    func delete(named username: String) async throws -> Bool {
        let rows = try await connection.query("DELETE FROM users WHERE username = ? RETURNING username", [.text(username)])
        return !rows.isEmpty
    }

    /// The bcrypt cost most stored hashes have (the highest among equals), or nil without users:
    /// the dummy hash checked for unknown users must cost the same.
    func prevailingHashCost() async throws -> Int? {
        let rows = try await connection.query("SELECT password_hash FROM users", [])
        var counts: [Int: Int] = [:]
        for row in rows {
            if let hash = row.column("password_hash")?.string, let cost = PasswordHasher.cost(of: hash) { counts[cost, default: 0] += 1 }
        }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }

    /// Closes the database.
    func close() async { try? await connection.close() }
}
