import Foundation
import LecternCore
import Testing

@Suite struct PasswordHashTests {
    @Test func hashesAreStandardPHCStringsWithARandomSalt() throws {
        let first = try PasswordHash.make("correct horse battery staple")
        let second = try PasswordHash.make("correct horse battery staple")
        #expect(first.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        let salt = first.split(separator: "$")[3]
        #expect(Data(base64Encoded: String(salt) + "==")?.count == 16)
        #expect(first != second)
    }

    @Test func verifiesTheRightPasswordOnly() throws {
        let hash = try PasswordHash.make("correct horse battery staple")
        #expect(PasswordHash.verify("correct horse battery staple", against: hash))
        #expect(!PasswordHash.verify("correct horse battery stapler", against: hash))
        #expect(!PasswordHash.verify("correct horse battery staple", against: "not a hash"))
    }

    @Test func nothingIsTruncated() throws {
        let long = String(repeating: "a", count: 127)
        let hash = try PasswordHash.make(long + "b")
        #expect(!PasswordHash.verify(long + "c", against: hash))
    }

    @Test func unicodeIsNormalisedBeforeHashing() throws {
        let composed = "caf\u{E9} au lait, s'il vous pla\u{EE}t"
        let decomposed = "cafe\u{301} au lait, s'il vous plai\u{302}t"
        let hash = try PasswordHash.make(composed)
        #expect(PasswordHash.verify(decomposed, against: hash))
    }

    @Test func readsTheParametersBackAndComparesThem() throws {
        let weak = Argon2Parameters(memoryKiB: 8192, iterations: 1, parallelism: 1)
        let hash = try PasswordHash.make("correct horse battery staple", parameters: weak)
        #expect(PasswordHash.parameters(of: hash) == weak)
        #expect(weak.isWeaker(than: .owaspMinimum))
        #expect(!Argon2Parameters.owaspMinimum.isWeaker(than: .owaspMinimum))
        #expect(PasswordHash.parameters(of: "$2b$12$bcrypt") == nil)
    }
}

@Suite struct PasswordPolicyTests {
    @Test func needsTwelveCharactersAndAcceptsUpTo128() throws {
        #expect(throws: PasswordPolicy.Problem.tooShort) { try PasswordPolicy.check("elevenchars") }
        try PasswordPolicy.check("twelve chars")
        try PasswordPolicy.check(String(repeating: "x", count: 127) + "y")
        #expect(throws: PasswordPolicy.Problem.tooLong) { try PasswordPolicy.check(String(repeating: "x", count: 129)) }
    }

    @Test func acceptsAnyCharactersWithoutCompositionRules() throws {
        try PasswordPolicy.check("all lowercase words here")
        try PasswordPolicy.check("пароль на русском")
        try PasswordPolicy.check("🔑🔑🔑 emoji keys 🔑🔑🔑")
    }

    @Test func countsCodePointsNotBytes() {
        // 11 code points, 22 bytes of UTF-8: still too short.
        #expect(throws: PasswordPolicy.Problem.tooShort) { try PasswordPolicy.check("ééééééééééé") }
    }

    @Test func refusesCommonPasswords() {
        #expect(CommonPasswords.count >= 10_000)
        #expect(throws: PasswordPolicy.Problem.common) { try PasswordPolicy.check("123qweasdzxc") }
        #expect(throws: PasswordPolicy.Problem.common) { try PasswordPolicy.check("QAZwsxEDCrfv") }
    }
}

@Suite struct EmailAddressTests {
    @Test func isTrimmedAndComparedWithoutCase() throws {
        let email = try EmailAddress("  Ada.Lovelace@Example.COM \n")
        #expect(email.value == "Ada.Lovelace@example.com")  // the domain is lowercased; the local part keeps its case
        #expect(email.key == "ada.lovelace@example.com")
    }

    @Test(arguments: [
        "", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "ada @example.com", "ada@example..com", "<ada>@example.com",
    ])
    func refusesWhatIsNotAnAddress(_ text: String) {
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress(text) }
    }
}

@Suite struct SecretTokenTests {
    @Test func tokensCarry256RandomBitsAndAreStoredHashed() {
        let token = SecretToken.make()
        #expect(token.count == 43)
        #expect(token != SecretToken.make())
        #expect(SecretToken.hash(token).count == 64)
        #expect(SecretToken.hash(token) != token)
        #expect(SecretToken.constantTimeEquals(token, token))
        #expect(!SecretToken.constantTimeEquals(token, SecretToken.make()))
    }
}

@Suite struct IdentityRuleTests {
    @Test func addressesAreStoredInNFCWithALowercaseDomain() throws {
        let decomposed = try EmailAddress(" jose\u{0301}@Example.COM ")
        let composed = try EmailAddress("jos\u{00E9}@example.com")
        #expect(decomposed.value == "jos\u{00E9}@example.com")
        #expect(decomposed.value.unicodeScalars.elementsEqual(composed.value.unicodeScalars))
        #expect(decomposed.key == composed.key)
        #expect(EmailAddress.key("JOSE\u{0301}@example.com") == composed.key)
    }

    @Test(arguments: ["a\u{202E}b@example.com", "a\u{200B}b@example.com", "ab@exam\u{2066}ple.com", "a\u{2028}@example.com"])
    func addressesWithInvisibleCharactersAreRefused(_ text: String) {
        #expect(throws: EmailAddress.Problem.invalid) { try EmailAddress(text) }
    }

    @Test func namesRefuseInvisibleFormattingButKeepRealSpelling() throws {
        for bad in ["\u{202A}x", "x\u{202E}", "\u{2066}x\u{2069}", "a\u{2028}b", "a\u{2029}b", "a\u{200B}b", "a\u{FEFF}b", "a\u{0007}b", "a\u{E000}b"] {
            #expect(throws: PersonName.Problem.invisibleCharacters) { try PersonName.clean(bad) }
        }
        #expect(try PersonName.clean("  Zoe\u{0308} Brontë ") == "Zoë Brontë")
        #expect(try PersonName.clean("می\u{200C}خواهم") == "می\u{200C}خواهم")  // Persian needs the zero-width non-joiner
        #expect(throws: PersonName.Problem.empty) { try PersonName.clean("   ") }
        #expect(throws: PersonName.Problem.tooLong) { try PersonName.clean(String(repeating: "a", count: 101)) }
    }
}
