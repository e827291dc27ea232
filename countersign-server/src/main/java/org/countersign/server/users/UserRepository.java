package org.countersign.server.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.countersign.server.store.Jdbc;

/** End users of relying parties. Every method takes the tenant id: there is no way to ask across tenants. */
public final class UserRepository {
    public record User(String tenantId, String userId, String displayName, Instant createdAt) {}

    private final Jdbc jdbc;

    public UserRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the user; false if that tenant already has this user id. */
    public boolean insert(User u) {
        return jdbc.update("insert into users (tenant_id, user_id, display_name, created_at) values (?, ?, ?, ?)"
                + " on conflict do nothing", ps -> {
                    ps.setString(1, u.tenantId());
                    ps.setString(2, u.userId());
                    ps.setString(3, u.displayName());
                    ps.setTimestamp(4, Timestamp.from(u.createdAt()));
                }) == 1;
    }

    public Optional<User> find(String tenantId, String userId) {
        return jdbc.queryOne("select * from users where tenant_id = ? and user_id = ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, userId);
        }, UserRepository::user);
    }

    public List<User> list(String tenantId, int limit, String after) {
        return jdbc.query("select * from users where tenant_id = ? and user_id > ? order by user_id limit ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, after == null ? "" : after);
            ps.setInt(3, limit);
        }, UserRepository::user);
    }

    public boolean delete(String tenantId, String userId) {
        return jdbc.update("delete from users where tenant_id = ? and user_id = ?", ps -> {
            ps.setString(1, tenantId);
            ps.setString(2, userId);
        }) == 1;
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("display_name"),
                rs.getTimestamp("created_at").toInstant());
    }
}
