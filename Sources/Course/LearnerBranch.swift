import Foundation

/// How learner branches are named: `learner/NAME`, one per learner, where `asynclings
/// check` records their passes and from which `asynclings class` reads the room.
///
/// The one place the prefix is spelled: `init --learner` makes such a branch, the class
/// view takes them by ``glob`` and shows each learner by ``learnerName(of:)``.
public enum LearnerBranch {
    /// Every learner branch starts with this.
    public static let prefix = "learner/"
    /// The branches the class view reads by default: every `learner/…` one.
    public static let glob = prefix + "*"

    /// The branch for a learner's name: `ada` → `learner/ada`; `learner/ada` stays.
    /// Surrounding spaces are dropped; whether git accepts the name is git's rule.
    public static func name(for learner: String) -> String {
        let trimmed = learner.trimmingCharacters(in: .whitespaces)
        return isLearnerBranch(trimmed) || trimmed == prefix ? trimmed : prefix + trimmed
    }

    /// Whether `branch` (without a remote) is a learner's: `learner/` and a name.
    public static func isLearnerBranch(_ branch: String) -> Bool {
        branch.hasPrefix(prefix) && branch.count > prefix.count
    }

    /// The learner's name: `zoë` for `learner/zoë`; any other branch name unchanged.
    public static func learnerName(of branch: String) -> String {
        isLearnerBranch(branch) ? String(branch.dropFirst(prefix.count)) : branch
    }

    /// The learner name used when nobody gave one (a first pass on `main`): the login,
    /// reduced to what a branch name can safely hold (`Ada Lovelace` → `ada-lovelace`),
    /// else `me`.
    public static func defaultName(login: String?) -> String {
        var name = ""
        for character in (login ?? "").lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == "_") {
                name.append(character)
            } else if !name.isEmpty && name.last != "-" {
                name.append("-")
            }
        }
        if name.hasSuffix("-") { name.removeLast() }
        return name.isEmpty ? "me" : name
    }
}
