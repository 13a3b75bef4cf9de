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

    static func marker(_ index: Int) -> String { "\u{E001}\(index)\u{E001}" }

    /// The skeleton as the cache keeps it: text, then a value's index, then text, and so on (odd parts are indices).
    static func skeleton(_ rendered: String) -> [String] {
        rendered.components(separatedBy: "\u{E001}")
    }

    /// The page for this learner: the skeleton with their values, escaped as Mustache escapes `{{value}}`.
    func fill(_ skeleton: [String]) -> String? {
        var page = ""
        page.reserveCapacity(skeleton.reduce(0) { $0 + $1.utf8.count } + 256)
        for (index, part) in skeleton.enumerated() {
            if index % 2 == 0 {
                page += part
            } else {
                guard let number = Int(part), values.indices.contains(number) else { return nil }
                page += Self.escape(values[number])
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
        let rendered = render(personal.marked, with: template)
        let skeleton = PersonalPage<View>.skeleton(rendered.body)
        cache.store(cacheKey, PageCache.Entry(generation: generation, rendered: cache.now(), parts: skeleton, views: nil))
        return HTML(body: personal.fill(skeleton) ?? render(view, with: template).body)
    }
}

/// A SHA-256 of everything a view holds, walked through its `ViewModel` keys, with the template's name: two views
/// with the same fingerprint render the same page. Nil when the view holds a marker character outside the markers
/// put there, or a value that is not text, a number, a Boolean, a list or a view.
enum ViewFingerprint {
    static func digest(_ view: some ViewModel, template: String) -> String? {
        var hasher = SHA256()
        hasher.update(data: Array("template:\(template)\u{0}".utf8))
        guard feed(view, into: &hasher, depth: 0) else { return nil }
        return Digest.hex(hasher.finalize())
    }

    private static func feed(_ value: Any, into hasher: inout SHA256, depth: Int) -> Bool {
        guard depth < 16 else { return false }
        switch value {
        case let text as String:
            var text = text
            // Hashed in place, without copying: a post's body is most of what the page holds.
            let clean = text.withUTF8 { bytes in
                // Content that holds the marker character would be taken for a marker: such a page is rendered plainly.
                // (U+E001 is EE 80 81 in UTF-8: a byte scan first, the exact test only when one is there.)
                if let base = bytes.baseAddress, memchr(base, 0xEE, bytes.count) != nil {
                    let scalars = String(decoding: bytes, as: UTF8.self)
                    if scalars.unicodeScalars.contains("\u{E001}"), !isMarker(scalars) { return false }
                }
                tag(UInt8(ascii: "s"), bytes.count, into: &hasher)
                hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
                return true
            }
            guard clean else { return false }
        case let number as Int:
            tag(UInt8(ascii: "i"), number, into: &hasher)
        case let flag as Bool:
            tag(UInt8(ascii: flag ? "T" : "F"), 0, into: &hasher)
        case let number as Double:
            tag(UInt8(ascii: "d"), Int(truncatingIfNeeded: number.bitPattern), into: &hasher)
        case let model as any ViewModel:
            tag(UInt8(ascii: "{"), type(of: model).mustacheKeys.count, into: &hasher)
            for key in type(of: model).mustacheKeys {
                var key = key
                key.withUTF8 { name in
                    tag(UInt8(ascii: "k"), name.count, into: &hasher)
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(name))
                }
                if let child = model.child(named: key) {
                    guard feed(child, into: &hasher, depth: depth + 1) else { return false }
                } else {
                    tag(UInt8(ascii: "n"), 0, into: &hasher)
                }
            }
        case let list as [Any]:
            tag(UInt8(ascii: "["), list.count, into: &hasher)
            for element in list {
                guard feed(element, into: &hasher, depth: depth + 1) else { return false }
            }
        default:
            return false
        }
        return true
    }

    /// A type byte and a number (a length, a count or a value), so that no two different views feed the same bytes.
    private static func tag(_ kind: UInt8, _ number: Int, into hasher: inout SHA256) {
        withUnsafeBytes(of: kind) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: Int64(number).littleEndian) { hasher.update(bufferPointer: $0) }
    }

    private static func isMarker(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count >= 3, scalars.first == "\u{E001}", scalars.last == "\u{E001}" else { return false }
        return scalars.dropFirst().dropLast().allSatisfy { $0.properties.numericType == .decimal && $0.isASCII }
    }
}
