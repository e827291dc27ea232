package org.countersign.server.oob;

import java.time.Instant;

/** The relying party's users as the out-of-band flow needs them: one tenant at a time, never across tenants (A-G1). */
public interface UserDirectory {

    /** Adds the user to the tenant unless it is there already (§8.1 step 6 binds the registration to a user). */
    void ensure(String tenantId, String userId, Instant now);

    boolean exists(String tenantId, String userId);
}
