import Foundation
import LecternCore
import LecternStore

/// A person's own account: signing up and in, their name, address and password, a forgotten password, confirming the
/// address, their sessions and their personal access tokens. The rules (names, addresses, the password policy, who may
/// hold which token), the limits and the order of the steps are here once, for the account pages and the CLI. What is
/// mailed, and how, is the caller's: these functions return the links' tokens.
public struct Accounts: Sendable {
    let users: UserStore
    let sessionStore: SessionStore
    let verifications: EmailVerificationStore
    let emailChanges: EmailChangeStore
    let resets: PasswordResetStore
    let tokenStore: AccessTokenStore
    let hasher: any PasswordHashing
    let limiter: RateLimiter
    let throttle: LoginThrottle
    let mailFormsPerNetwork: RateLimiter.Rule

    /// Changes one account may make an hour (each that checks a password costs a hash).
    public static let changesPerAccount = RateLimiter.Rule(limit: 10, window: 3600)
    /// Verification links one account may ask for again an hour (each is also a mail, limited by the mail ledger).
    public static let verificationLinksPerHour = RateLimiter.Rule(limit: 3, window: 3600)

    /// `mailFormsPerNetwork`: forms that send mail (sign-up, forgotten password, address change) one client network may
    /// send an hour.
    public init(
        database: any SiteDatabase, sessions: SessionStore? = nil, hasher: any PasswordHashing, loginLimits: LoginLimits = LoginLimits(),
        mailFormsPerNetwork: Int = 20
    ) {
        self.users = database.users
        self.sessionStore = sessions ?? database.sessions
        self.verifications = database.verifications
        self.emailChanges = database.emailChanges
        self.resets = database.passwordResets
        self.tokenStore = database.accessTokens
        self.hasher = hasher
        self.limiter = RateLimiter(ledger: database.rates)
        self.throttle = LoginThrottle(limits: loginLimits, ledger: database.rates)
        self.mailFormsPerNetwork = RateLimiter.Rule(limit: mailFormsPerNetwork, window: 3600)
    }

    /// The account with this address, if any.
    public func account(email: EmailAddress) async throws -> User? {
        try await users.credentials(for: email)?.user
    }

    // MARK: Signing up and in

    /// What a sign-up did.
    public enum Registration: Sendable {
        case created(User)
        /// The address already has an account: nothing was made (the caller tells the address's owner).
        case taken(EmailAddress)
    }

    /// A learner signs up: an unverified learner's account (the caller mails the verification link). The form counts
    /// against `network`'s mail allowance, since it sends mail.
    public func signUp(name: String, email: String, password: String, confirmation: String, network: String) async throws -> Registration {
        try await make(name: name, email: email, password: password, confirmation: confirmation, role: .learner, verified: false, network: network)
    }

    /// An operator makes an account, with its role, its address taken as verified (the operator vouches for it).
    public func createAccount(name: String, email: String, password: String, role: User.Role) async throws -> Registration {
        try await make(name: name, email: email, password: password, confirmation: password, role: role, verified: true, network: nil)
    }

    private func make(
        name: String, email: String, password: String, confirmation: String, role: User.Role, verified: Bool, network: String?
    ) async throws -> Registration {
        var problems = AccountProblems()
        let name = AccountRules.name(name, &problems)
        let email = AccountRules.email(email, &problems)
        AccountRules.newPassword(password, confirmation: confirmation, &problems)
        try problems.check()
        guard let name, let email else { throw problems }
        if let network { try await limitMailForms(network) }
        let hash = try await hasher.hash(password)
        do {
            return .created(try await users.create(email: email, name: name, passwordHash: hash, role: role, verified: verified))
        } catch UserStore.Failure.emailTaken {
            return .taken(email)
        }
    }

    /// Who signed in, with the stored hash (which a device cookie is bound to).
    public struct SignIn: Sendable {
        public var user: User
        public var passwordHash: String
    }

    /// Checks a login: the signed-in account, or nil when the address and password do not match an enabled account.
    /// Failed logins are limited per account and per `network` (`LoginThrottle`); `device` names a browser that signed in
    /// to the account before, given the address's key and the stored hash, so failures from elsewhere do not lock it out.
    /// A hash made with weaker parameters than today's is replaced on the way.
    public func logIn(
        email typed: String, password: String, network: String, device: @Sendable (_ emailKey: String, _ passwordHash: String?) -> String?
    ) async throws -> SignIn? {
        guard let email = try? EmailAddress(typed) else { throw AccountProblems([.email: "Enter the email address you registered with."]) }
        guard !password.isEmpty else { throw AccountProblems([.password: "Enter your password."]) }
        // The place is held before the hash, so attempts still being hashed count against the limit.
        let credentials = try await users.credentials(for: email)
        let reservation: LoginThrottle.Reservation
        switch try await throttle.reserve(account: email.key, address: network, device: device(email.key, credentials?.passwordHash)) {
        case .success(let held): reservation = held
        case .failure(let wait): throw AccountRefusal.tooManyFailedLogins(retryAfter: wait.seconds)
        }
        let signedIn: SignIn?
        do {
            signedIn = try await check(credentials, password: password)
        } catch {
            try await throttle.finish(reservation, succeeded: false)
            throw error
        }
        try await throttle.finish(reservation, succeeded: signedIn != nil)
        return signedIn
    }

    private func check(_ credentials: (user: User, passwordHash: String)?, password: String) async throws -> SignIn? {
        // Passwords longer than the policy allows cannot match; refuse them without spending a hash on them.
        let matches =
            password.unicodeScalars.count <= PasswordPolicy.maximumLength * 4
            ? try await hasher.verify(password, against: credentials?.passwordHash) : false
        guard matches, let credentials, !credentials.user.isDisabled else { return nil }
        if hasher.needsRehash(credentials.passwordHash) {
            let upgraded = try await hasher.hash(password)
            try await users.upgradeHash(userID: credentials.user.id, from: credentials.passwordHash, to: upgraded)
            return SignIn(user: credentials.user, passwordHash: upgraded)
        }
        return SignIn(user: credentials.user, passwordHash: credentials.passwordHash)
    }

    // MARK: Sessions

    /// A new session for `user`, ending `replaced` (the browser's session from before): an id planted before signing in
    /// is worthless after it. Returns the session's secret id, for the cookie.
    public func startSession(for user: User, replacing replaced: String?, userAgent: String, clientAddress: String) async throws -> String {
        if let replaced { try await sessionStore.delete(idHash: replaced) }
        return try await sessionStore.create(userID: user.id, userAgent: userAgent, clientAddress: clientAddress).id
    }

    public func endSession(_ idHash: String) async throws {
        try await sessionStore.delete(idHash: idHash)
    }

    /// The account's live sessions, newest use first.
    public func sessions(of user: User) async throws -> [SessionRecord] {
        try await sessionStore.sessions(userID: user.id)
    }

    public func endOtherSessions(of user: User, keeping idHash: String) async throws {
        try await sessionStore.deleteAll(userID: user.id, keeping: idHash)
    }

    // MARK: Name, address, password

    /// Changes the name shown on the site and on certificates issued from now on; returns it as stored.
    public func rename(_ user: User, to typed: String) async throws -> String {
        var problems = AccountProblems()
        let name = AccountRules.name(typed, &problems)
        try problems.check()
        guard let name else { throw problems }
        try await limitChanges(user)
        try await users.updateName(userID: user.id, name: name)
        return name
    }

    /// An address change asked for: the new address, and the token of the link that confirms it, or nil when another
    /// account has that address (the caller answers the same either way and mails the link only when there is one).
    public struct EmailChangeRequest: Sendable {
        public var newEmail: EmailAddress
        public var token: String?
    }

    /// Starts a change of address, proved with the current password; the address changes only when the link mailed to
    /// the new one is followed. `network` counts the form against its mail allowance.
    public func requestEmailChange(_ user: User, to typed: String, currentPassword: String, network: String) async throws -> EmailChangeRequest {
        var problems = AccountProblems()
        let email = AccountRules.email(typed, &problems)
        if let email, email.key == EmailAddress.key(user.email) { problems[.email] = "That is already your address." }
        if currentPassword.isEmpty {
            problems[.currentPassword] = "Enter your current password."
        } else if problems[.email] == nil {
            problems[.currentPassword] = try await currentPasswordProblem(currentPassword, of: user)
        }
        try problems.check()
        guard let email else { throw problems }
        try await limitMailForms(network)
        return EmailChangeRequest(newEmail: email, token: try await emailChanges.request(userID: user.id, newEmail: email))
    }

    /// The new address a change link is for, while it works.
    public func pendingEmailChange(token: String) async throws -> String? {
        try await emailChanges.pendingAddress(forToken: token)
    }

    /// Follows a change link: the address changes, and every session but `keeping` ends. Nil when the link is dead.
    public func confirmEmailChange(token: String, keeping idHash: String?) async throws -> EmailChangeStore.Change? {
        do {
            return try await emailChanges.confirm(token: token, keeping: idHash)
        } catch EmailChangeStore.Failure.emailTaken {
            throw AccountRefusal.addressTakenMeanwhile
        }
    }

    /// Sets a new password, proved with the current one; every session of the account ends (the caller starts a new one).
    public func changePassword(_ user: User, current: String, new password: String, confirmation: String) async throws {
        var problems = AccountProblems()
        AccountRules.newPassword(password, confirmation: confirmation, &problems)
        problems[.currentPassword] = try await currentPasswordProblem(current, of: user)
        try problems.check()
        try await users.setPassword(userID: user.id, passwordHash: try await hasher.hash(password))
    }

    /// What is wrong with the current password typed to confirm a sensitive change, or nil when it is right. Each try
    /// counts as an account change, so a stolen session cannot guess the password at will.
    public func currentPasswordProblem(_ typed: String, of user: User) async throws -> String? {
        guard !typed.isEmpty else { return "Enter your current password." }
        try await limitChanges(user)
        return try await hasher.verify(typed, against: try await users.passwordHash(userID: user.id)) ? nil : "That is not your current password."
    }

    // MARK: A forgotten password

    /// The enabled account a reset link should be mailed to, or nil (answered the same: the form never tells whether an
    /// address has an account). The form counts against `network`'s mail allowance.
    public func forgotPassword(email typed: String, network: String) async throws -> User? {
        var problems = AccountProblems()
        let email = AccountRules.email(typed, &problems)
        try problems.check()
        guard let email else { throw problems }
        try await limitMailForms(network)
        guard let user = try await account(email: email), !user.isDisabled else { return nil }
        return user
    }

    /// A new reset link's token for `user` (one use, one hour), replacing earlier links.
    public func resetLink(for user: User) async throws -> String {
        try await resets.create(userID: user.id)
    }

    /// The account a reset link is for, while it works.
    public func resetTarget(token: String) async throws -> User? {
        try await resets.user(forToken: token)
    }

    /// Uses a reset link: sets the password and ends every session, in one transaction; nil when the link died. The reset
    /// proved the mailbox, so failed logins by others no longer lock the owner out.
    public func resetPassword(token: String, password: String, confirmation: String) async throws -> User? {
        var problems = AccountProblems()
        AccountRules.newPassword(password, confirmation: confirmation, &problems)
        try problems.check()
        guard let changed = try await resets.reset(token: token, passwordHash: try await hasher.hash(password)) else { return nil }
        try await throttle.unlock(account: EmailAddress.key(changed.email))
        return changed
    }

    // MARK: Confirming the address

    /// A new verification link's token for `user` (48 hours), or nil when the address is verified already.
    public func verificationLink(for user: User) async throws -> String? {
        try await verifications.create(userID: user.id)
    }

    /// Counts a request for another verification link; past the hourly allowance, a refusal.
    public func askForVerificationAgain(_ user: User) async throws {
        if let wait = try await limiter.take("verify:\(user.id)", Self.verificationLinksPerHour) {
            throw AccountRefusal.tooManyVerificationLinks(retryAfter: wait)
        }
    }

    /// The address a verification link is for, while it works.
    public func pendingVerification(token: String) async throws -> String? {
        try await verifications.pendingAddress(forToken: token)
    }

    /// Follows a verification link: the account whose address it confirmed, or nil when the link is dead.
    public func verify(token: String) async throws -> User? {
        try await verifications.verify(token: token)
    }

    // MARK: Personal access tokens

    public func tokens(of user: User) async throws -> [AccessTokenRecord] {
        try await tokenStore.list(userID: user.id)
    }

    /// Makes a token that acts for `user` with `scope`, never beyond their role, and returns it with its secret (shown
    /// once, never stored). Its maker proves the password, since a token acts for months. Fields to fix are
    /// `AccountProblems`; the store refuses the rest (`AccessTokenError`: too many active tokens, an expiry in the past).
    public func createToken(
        for user: User, name typed: String, scope: TokenScope?, expiresAt: Date?, currentPassword: String
    ) async throws -> (token: AccessTokenRecord, secret: String) {
        var problems = AccountProblems()
        let wanted = AccountRules.token(name: typed, scope: scope, for: user, &problems)
        if problems.isEmpty { problems[.currentPassword] = try await currentPasswordProblem(currentPassword, of: user) }
        try problems.check()
        guard let wanted else { throw problems }
        return try await tokenStore.create(user: user, name: wanted.name, scope: wanted.scope, expiresAt: expiresAt)
    }

    /// Revokes one of `user`'s tokens: the next request with it is refused.
    public func revokeToken(_ id: Int64, of user: User) async throws {
        guard try await tokenStore.revoke(id: id, userID: user.id) != nil else { throw AccountRefusal.noSuchToken }
    }

    // MARK: Limits

    private func limitChanges(_ user: User) async throws {
        if let wait = try await limiter.take("profile:\(user.id)", Self.changesPerAccount) { throw AccountRefusal.tooManyChanges(retryAfter: wait) }
    }

    private func limitMailForms(_ network: String) async throws {
        if let wait = try await limiter.take("mail-form:\(network)", mailFormsPerNetwork) { throw AccountRefusal.tooManyMailForms(retryAfter: wait) }
    }
}
