import Testing

/// The suites that run against the shared test Redis and broker, one at a time: in-process
/// router tests have no peer address, so they all count failed logins against one client
/// address ("unknown"), and a suite running beside another could be rate-limited by it.
@Suite(.serialized) enum IssuerServiceTests {}
