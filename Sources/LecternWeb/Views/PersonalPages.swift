import Crypto
import Foundation
import LecternCore
import LecternStore

/// A page for a signed-in learner, rendered as a shared skeleton plus that learner's own values (issue 13).
///
/// The skeleton is the page rendered once with a marker in place of each value that is the learner's alone (their
/// name, their form token, their certificate's code). It is kept in the page cache, under the cache's generation
/// and lifetime rules, keyed by a SHA-256 of *everything else* in the view (the marked view, walked through its
/// `ViewModel` keys): enrolled or not, which lessons are done, the progress figures, the notice. So learners at the
/// same point of a course share one skeleton, and nothing that is not marked can differ between two learners who
/// get the same skeleton. Each request then only joins the skeleton with its own escaped values.
struct PersonalPage<View: ViewModel> {
    /// The view with markers in place of the learner's own values, and those values in marker order.
    var marked: View
    var values: [String]

    /// `mark` is given the view and a function that swaps a value for its marker.
    init(_ view: View, mark: (inout View, (String) -> String) -> Void) {
        var marked = view
        var values: [String] = []
        mark(&marked) { value in
            values.append(value)
            return PersonalPage.marker(values.count - 1)
        }
        self.marked = marked
        self.values = values
    }

    /// The marker of value `index` in the view the fingerprint is taken of (the same for every render).
    static func marker(_ index: Int) -> String { "\u{E001}\(index)\u{E001}" }

    /// The page for this learner: the skeleton with their values.
    func fill(_ skeleton: [String]) -> String? {
        PageSkeleton.fill(skeleton, with: values)
    }
}

/// A page rendered once with a marker in place of each value that differs between the requests sharing it, kept as
/// text, then a value's index, then text, and so on (odd parts are indices). Markers carry a random nonce drawn for
/// each render, so no content (a post's body, a lesson's) can be taken for one, whatever characters it holds.
enum PageSkeleton {
    /// Renders `view` with `mark` swapping each value for a marker. Returns the skeleton and the values swapped out,
    /// in marker order.
    static func render<View: ViewModel>(
        _ view: View, with template: PageTemplate, renderer: PageRenderer, mark: (inout View, (String) -> String) -> Void
    ) -> (parts: [String], values: [String]) {
        // Base64url after a private-use character: no text escaping changes it, no content can guess it.
        let nonce = "\u{E001}" + SecretToken.make(bytes: 12) + "."
        var marked = view
        var values: [String] = []
        mark(&marked) { value in
            values.append(value)
            return nonce + String(values.count - 1) + "\u{E001}"
        }
        let pieces = renderer.render(marked, with: template).body.components(separatedBy: nonce)
        var parts = [pieces[0]]
        for piece in pieces.dropFirst() {
            // Each piece starts with the value's index and the marker's end; found by scalar, not by character, so a
            // combining mark right after a marker cannot hide its end.
            let scalars = piece.unicodeScalars
            let end = scalars.firstIndex(of: "\u{E001}") ?? scalars.startIndex
            parts.append(String(scalars[..<end]))
            parts.append(end < scalars.endIndex ? String(scalars[scalars.index(after: end)...]) : "")
        }
        return (parts, values)
    }

    /// The page: the skeleton with `values`, escaped as Mustache escapes `{{value}}`; nil when the skeleton names
    /// a value that is not there.
    static func fill(_ skeleton: [String], with values: [String]) -> String? {
        var page = ""
        page.reserveCapacity(skeleton.reduce(0) { $0 + $1.utf8.count } + 256)
        for (index, part) in skeleton.enumerated() {
            if index % 2 == 0 {
                page += part
            } else {
                guard let number = Int(part), values.indices.contains(number) else { return nil }
                page += escape(values[number])
            }
        }
        return page
    }

    /// swift-mustache's HTML escaping (`String.htmlEscape`), so a filled skeleton is byte for byte the page Mustache
    /// would have rendered.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text { HTMLText.append(character, to: &out) }
        return out
    }
}

/// HTML escaping of one character, as swift-mustache escapes `{{value}}`: the five characters HTML gives meaning to.
enum HTMLText {
    @inline(__always) static func append(_ character: Character, to out: inout String) {
        switch character {
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
}

extension PageRenderer {
    /// Renders `view` for a signed-in learner through a cached skeleton (see `PersonalPage`); `mark` swaps each of
    /// the learner's own values for a marker. Falls back to a plain render when the cache is off, or when any value
    /// of the view could be taken for a marker.
    func renderPersonal<View: ViewModel>(
        _ view: View, with template: PageTemplate, cache: PageCache, mark: (inout View, (String) -> String) -> Void
    ) -> HTML {
        let personal = PersonalPage(view, mark: mark)
        guard cache.lifetime > .zero, let shape = ViewFingerprint.digest(personal.marked, template: template.name),
            !personal.values.contains(where: { $0.unicodeScalars.contains("\u{E001}") })
        else {
            return render(view, with: template)
        }
        let cacheKey = "personal \(shape)"
        if let entry = cache.entry(cacheKey), let page = personal.fill(entry.parts) { return HTML(body: page) }
        let generation = cache.generation()
        let skeleton = PageSkeleton.render(view, with: template, renderer: self, mark: mark)
        cache.store(cacheKey, PageCache.Entry(generation: generation, rendered: cache.now(), parts: skeleton.parts, views: nil))
        return HTML(body: PageSkeleton.fill(skeleton.parts, with: skeleton.values) ?? render(view, with: template).body)
    }
}

/// A SHA-256 of everything a view holds, fed by each view's generated `fingerprint(into:)` (statically typed: no value is
/// cast out of `Any`), with the template's name: two views with the same fingerprint render the same page. Nil when
/// the view holds a marker character outside the markers put there.
enum ViewFingerprint {
    static func digest(_ view: some ViewModel, template: String) -> String? {
        var print = ViewPrint()
        template.fingerprint(into: &print)
        // The view's type too, in case two kinds of view ever share a template.
        withUnsafeBytes(of: ObjectIdentifier(type(of: view))) { print.hasher.update(bufferPointer: $0) }
        view.fingerprint(into: &print)
        guard print.isClean else { return nil }
        return Digest.hex(print.hasher.finalize())
    }
}

/// What a view's fingerprint is fed: each value with a type byte and a length or count in front, so no two different
/// views feed the same bytes.
struct ViewPrint {
    var hasher = SHA256()
    /// False once a text holds the marker character but is not a marker: such a page is rendered plainly.
    var isClean = true

    mutating func tag(_ kind: UInt8, _ number: Int) {
        withUnsafeBytes(of: kind) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: Int64(number).littleEndian) { hasher.update(bufferPointer: $0) }
    }

    /// A view with `count` values follows.
    mutating func begin(_ count: Int) { tag(UInt8(ascii: "{"), count) }

    mutating func text(_ text: String) {
        var text = text
        // Hashed in place, without copying: a post's or lesson's body is most of what a page holds.
        text.withUTF8 { bytes in
            // U+E001 is EE 80 81 in UTF-8: a byte scan first, the exact test only when one is there.
            if let base = bytes.baseAddress, memchr(base, 0xEE, bytes.count) != nil {
                let decoded = String(decoding: bytes, as: UTF8.self)
                if decoded.unicodeScalars.contains("\u{E001}"), !Self.isMarker(decoded) { isClean = false }
            }
            tag(UInt8(ascii: "s"), bytes.count)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        }
    }

    private static func isMarker(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count >= 3, scalars.first == "\u{E001}", scalars.last == "\u{E001}" else { return false }
        return scalars.dropFirst().dropLast().allSatisfy { $0.properties.numericType == .decimal && $0.isASCII }
    }
}

/// A value a view's fingerprint can take in: what a view may hold (text, numbers, Booleans, lists, optionals, views).
protocol Fingerprinted {
    func fingerprint(into print: inout ViewPrint)
}

extension String: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) { print.text(self) }
}

extension Int: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) { print.tag(UInt8(ascii: "i"), self) }
}

extension Bool: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) { print.tag(UInt8(ascii: self ? "T" : "F"), 0) }
}

extension Double: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) { print.tag(UInt8(ascii: "d"), Int(truncatingIfNeeded: bitPattern)) }
}

extension Optional: Fingerprinted where Wrapped: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) {
        if let value = self {
            print.tag(UInt8(ascii: "?"), 1)
            value.fingerprint(into: &print)
        } else {
            print.tag(UInt8(ascii: "?"), 0)
        }
    }
}

extension Array: Fingerprinted where Element: Fingerprinted {
    func fingerprint(into print: inout ViewPrint) {
        print.tag(UInt8(ascii: "["), count)
        for element in self { element.fingerprint(into: &print) }
    }
}
