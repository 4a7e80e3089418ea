import CGit2

/// One reference a fetch created or moved.
public struct ReferenceUpdate: Hashable, Sendable {
    /// The full local name, e.g. `refs/remotes/origin/learner/zoë`.
    public let referenceName: String
    /// Where it pointed before; nil when the fetch created it.
    public let old: ObjectID?
    /// Where it points now.
    public let new: ObjectID
}

/// Collects `update_tips` calls; passed through libgit2's `void *payload`.
private final class FetchState {
    var updates: [ReferenceUpdate] = []
    var credentialAttempts = 0
}

extension Repository {
    /// Fetches from the named remote with its configured refspecs, like `git fetch NAME`,
    /// updating remote-tracking branches (`refs/remotes/NAME/…`).
    ///
    /// Local paths and `file://` URLs always work. Network remotes are best effort: SSH
    /// uses the running ssh-agent, HTTPS only works without authentication.
    ///
    /// - Returns: the references that were created or moved, sorted by name.
    /// - Throws: `.remoteNotFound`; a transport or authentication failure as `.git`.
    @discardableResult
    public func fetch(remote name: String) throws(GitStoreError) -> [ReferenceUpdate] {
        var remote: OpaquePointer?
        let lookup = git_remote_lookup(&remote, pointer, name)
        if lookup == GitError.notFound || lookup == GIT_EINVALIDSPEC.rawValue {
            throw .remoteNotFound(name)
        }
        try check(lookup)
        defer { git_remote_free(remote) }

        let state = FetchState()
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        options.callbacks.payload = Unmanaged.passUnretained(state).toOpaque()
        options.callbacks.update_tips = { referenceName, old, new, payload in
            guard let payload, let referenceName, let new else { return 0 }
            let state = Unmanaged<FetchState>.fromOpaque(payload).takeUnretainedValue()
            let before = old.map(ObjectID.init)
            state.updates.append(
                ReferenceUpdate(
                    referenceName: String(cString: referenceName),
                    old: before.flatMap { $0 == ObjectID(git_oid()) ? nil : $0 },
                    new: ObjectID(new)))
            return 0
        }
        options.callbacks.credentials = { out, _, username, allowed, payload in
            guard let payload else { return GIT_PASSTHROUGH.rawValue }
            let state = Unmanaged<FetchState>.fromOpaque(payload).takeUnretainedValue()
            // libgit2 asks again after every rejected credential: one try, then give up
            // with its authentication error instead of looping forever.
            state.credentialAttempts += 1
            guard state.credentialAttempts == 1 else { return GIT_EAUTH.rawValue }
            if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                if let username { return git_credential_ssh_key_from_agent(out, username) }
                return git_credential_ssh_key_from_agent(out, "git")
            }
            if allowed & GIT_CREDENTIAL_DEFAULT.rawValue != 0 {
                return git_credential_default_new(out)
            }
            return GIT_PASSTHROUGH.rawValue
        }
        let rc = withExtendedLifetime(state) {
            git_remote_fetch(remote, nil, &options, nil)
        }
        try check(rc)
        return state.updates.sorted { $0.referenceName.utf8.lexicographicallyPrecedes($1.referenceName.utf8) }
    }
}
