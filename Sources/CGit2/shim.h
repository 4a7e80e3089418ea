#include <git2.h>
#include <stdio.h>
#include <zlib.h>

/// git_libgit2_opts is variadic, which Swift cannot call: these wrappers fix the arity.
static inline int cgit2_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Inflates the loose object file at `path` and reports whether it is whole: 1 when the
/// zlib stream ends and holds exactly `expected` bytes (header and content), 0 when it is
/// truncated, corrupt or longer, -1 when the file cannot be opened.
///
/// libgit2 1.5.1 loops forever reading a truncated loose object (its header reads fine),
/// so callers check here, with the output discarded and bounded by `expected`, before
/// asking libgit2 for the contents. `inflateInit` is a macro, hence C.
static inline int cgit2_loose_object_is_whole(const char *path, size_t expected) {
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    z_stream stream = {0};
    if (inflateInit(&stream) != Z_OK) {
        fclose(file);
        return 0;
    }
    unsigned char input[16384];
    unsigned char output[65536];
    size_t produced = 0;
    int status = Z_OK;
    int whole = 0;
    while (status != Z_STREAM_END) {
        size_t count = fread(input, 1, sizeof input, file);
        if (count == 0) break;  // end of file before the end of the stream: truncated
        stream.next_in = input;
        stream.avail_in = (uInt)count;
        while (stream.avail_in > 0 && status != Z_STREAM_END) {
            stream.next_out = output;
            stream.avail_out = sizeof output;
            status = inflate(&stream, Z_NO_FLUSH);
            // Z_BUF_ERROR (no progress possible), Z_DATA_ERROR, …: not a whole object.
            if (status != Z_OK && status != Z_STREAM_END) goto done;
            produced += sizeof output - stream.avail_out;
            if (produced > expected) goto done;
        }
    }
    whole = status == Z_STREAM_END && produced == expected;
done:
    inflateEnd(&stream);
    fclose(file);
    return whole;
}
