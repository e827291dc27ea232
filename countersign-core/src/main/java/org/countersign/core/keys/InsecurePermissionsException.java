package org.countersign.core.keys;

import java.nio.file.Path;

/**
 * A key file or its folder is accessible to group or others (A-G5: access control on stored keys). The server
 * refuses to start rather than keep using a key that other local users may already have copied.
 */
public final class InsecurePermissionsException extends MasterKeyStoreException {
    private final Path path;

    public InsecurePermissionsException(Path path, String detail) {
        super(path + ": " + detail);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
