import Foundation
import LecternCore
import Testing

@Suite struct DigestTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Digest.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func signaturesAreHMACSHA256AndCheckedExactly() {
        // RFC 4231, test case 2.
        let signer = MessageSigner(secret: Array("Jefe".utf8))
        let signature = signer.signature("what do ya want for nothing?")
        #expect(SecretToken.decodeBase64URL(signature)?.map { String(format: "%02x", $0) }.joined()
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(signer.isValid(signature, for: "what do ya want for nothing?"))
        #expect(!signer.isValid(signature, for: "what do ya want for nothing!"))
        #expect(!MessageSigner(secret: Array("Jeff".utf8)).isValid(signature, for: "what do ya want for nothing?"))
        #expect(!signer.isValid("", for: "what do ya want for nothing?"))
        #expect(!signer.isValid("not base64 at all!", for: "what do ya want for nothing?"))
    }

    @Test func constantTimeEqualityComparesWholeValues() {
        #expect(SecretToken.constantTimeEquals("abc", "abc"))
        #expect(!SecretToken.constantTimeEquals("abc", "abd"))
        #expect(!SecretToken.constantTimeEquals("abc", "abcd"))
    }
}
