import ArgumentParser
import Server
import Storage

/// `wechat-oidc migrate`: applies pending database migrations and prints what it applied.
/// `serve` and `dev` apply them too when they start; this runs them ahead of a rollout, once.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and print what was applied.",
        discussion: """
        The database comes from --database-url, else from database.url / WECHAT_OIDC_DATABASE_URL \
        (as for serve). serve and dev also apply pending migrations when they start; concurrent \
        runs are safe (each migration is applied once). A database whose schema is newer than \
        this program knows is refused.
        """
    )

    @OptionGroup var options: SettingsOptions
    @Option(
        name: .customLong("database-url"),
        help: "The database URL (overrides the settings; prefer WECHAT_OIDC_DATABASE_URL for URLs with a password)."
    )
    var databaseURL: String?

    func run() async throws {
        let url: String
        if let databaseURL {
            url = databaseURL
        } else {
            do {
                url = try await SettingsLoader.storage(options.sources).databaseURL
            } catch let error as SettingsError {
                throw CommandFailure(error.description)
            }
        }
        let report: MigrationReport
        do {
            report = try await SQLStores.migrate(databaseURL: url, logger: commandLogger("wechat-oidc.migrate"))
        } catch let error as StorageError {
            throw CommandFailure(error.detail)
        }
        printFlushed("Database: \(report.database)")
        if report.applied.isEmpty {
            printFlushed("Nothing to apply.")
        }
        for step in report.applied {
            printFlushed("Applied migration \(step.version): \(step.name)")
        }
        printFlushed("Schema version \(report.schemaVersion) (this wechat-oidc knows up to version \(report.knownVersion)).")
    }
}
