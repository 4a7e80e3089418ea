import CCmarkGFM

extension Markdown {
    /// The cmark-gfm this program is linked with (e.g. `0.29.0.gfm.6`), for `asynclings doctor`.
    public static var libraryVersion: String {
        String(cString: cmark_version_string())
    }
}
