/// One form field as shown again after a refused submission: what was typed (never a password) and what to fix.
struct FieldView: Sendable {
    var value: String = ""
    var error: String?
}

struct RegisterView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    /// Where to go after logging in with the new account (a local path, or empty).
    var next: String = ""
    var name = FieldView()
    var email = FieldView()
    var password = FieldView()
    var passwordConfirmation = FieldView()
    var formError: String?
    /// The course the visitor will be enrolled in once the account exists.
    var enrol: EnrolIntentView?
}

struct LoginView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var next: String
    var registerURL: String
    var email = FieldView()
    var password = FieldView()
    var formError: String?
    var notice: String?
    /// The course the visitor will be enrolled in once logged in.
    var enrol: EnrolIntentView?
}

struct ForgotPasswordView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var email = FieldView()
    var sent = false
}

struct ResetPasswordView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var token: String
    var valid: Bool
    var email: String
    var password = FieldView()
    var passwordConfirmation = FieldView()
}

struct ConfirmEmailView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var token: String
    var valid: Bool
    var email: String
}

struct SessionRowView: Sendable {
    var device: String
    var address: String
    var lastSeen: String
    var signedIn: String
    var isCurrent: Bool
}

struct AccountView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    /// The account's address as it is now; a new one is shown here only once its link has been followed.
    var email: String
    var notice: String?
    var profileError: String?
    var emailError: String?
    var name = FieldView()
    var newEmail = FieldView()
    var emailPassword = FieldView()
    var currentPassword = FieldView()
    var password = FieldView()
    var passwordConfirmation = FieldView()
    var sessions: [SessionRowView] = []
    var hasOtherSessions = false
}

/// A readable name for a browser from its User-Agent, for the session list.
enum DeviceName {
    static func from(userAgent: String) -> String {
        let browser =
            userAgent.contains("Edg/")
            ? "Edge"
            : userAgent.contains("Firefox/")
                ? "Firefox"
                : userAgent.contains("Chrome/") || userAgent.contains("Chromium/")
                    ? "Chrome"
                    : userAgent.contains("Safari/")
                        ? "Safari"
                        : userAgent.hasPrefix("curl/") ? "curl" : nil
        let system =
            userAgent.contains("Android")
            ? "Android"
            : userAgent.contains("iPhone") || userAgent.contains("iPad")
                ? "iOS"
                : userAgent.contains("Mac OS X")
                    ? "macOS"
                    : userAgent.contains("Windows")
                        ? "Windows"
                        : userAgent.contains("Linux") ? "Linux" : nil
        switch (browser, system) {
        case (let browser?, let system?): return "\(browser) on \(system)"
        case (let browser?, nil): return browser
        case (nil, let system?): return "A browser on \(system)"
        default: return "An unknown browser"
        }
    }
}

/// The course a sign-up or login form will enrol the visitor in, with the signature that carries it.
struct EnrolIntentView: Sendable {
    var slug: String
    var title: String
    var signature: String
}

/// The page a verification link opens: a button that confirms, so a mail scanner fetching the link confirms nothing.
struct VerifyEmailView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var token: String
    var valid: Bool
    var email: String
}

/// `/account/tokens`.
struct TokensPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var notice: String?
    var formError: String?
    /// Just made: its secret, shown on this answer only.
    var created: CreatedTokenView?
    var tokens: [TokenRowView]
    var hasTokens: Bool
    var name = FieldView()
    var scopeError: String?
    /// The current password, asked again to make a token (never refilled).
    var password = FieldView()
    var scopes: [ScopeOptionView]
    var lifetimes: [LifetimeOptionView]
}

struct CreatedTokenView: Sendable {
    var name: String
    var scope: String
    var secret: String
}

struct TokenRowView: Sendable {
    var id: Int
    var name: String
    var hint: String
    var scope: String
    var state: String
    var isActive: Bool
    var created: String
    var lastUsed: String
    var expires: String
}

struct ScopeOptionView: Sendable {
    var value: String
    var label: String
    var checked: Bool
}

struct LifetimeOptionView: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// `/notifications`: the signed-in person's inbox, newest first.
struct NotificationsPageView: Sendable {
    var site: SiteView
    var meta: PageMeta
    var csrf: String
    var notice: String?
    var items: [NotificationRowView]
    var hasItems: Bool
    var hasUnread: Bool
}

struct NotificationRowView: Sendable {
    var id: Int
    var text: String
    var unread: Bool
    var when: String
    var iso: String
}
