package org.countersign.server.oob;

import java.time.Instant;
import org.countersign.server.users.UserRepository;
import org.countersign.server.users.UserRepository.User;

/** The {@link UserDirectory} port on the server's user table, which the other flows share. */
final class UserRepositoryDirectory implements UserDirectory {
    private final UserRepository users;

    UserRepositoryDirectory(UserRepository users) {
        this.users = users;
    }

    @Override
    public void ensure(String tenantId, String userId, Instant now) {
        users.insert(new User(tenantId, userId, "", now)); // false when it exists: nothing to do
    }

    @Override
    public boolean exists(String tenantId, String userId) {
        return users.find(tenantId, userId).isPresent();
    }
}
