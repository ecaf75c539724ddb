/// Every migration, in order. Append only.
enum Migrations {
    static let all: [Migration] = [
        .initialSchema,
        .sessionsRefreshRegistration,
        .signingKeysPerAlgorithm,
        .identityMerges,
        .followLogin,
        .codeRedemption,
    ]
}
