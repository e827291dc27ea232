# Sourced by the Keycloak benchmark scripts: which Keycloak, and which Java runs it.
# Needs $root (the repository root).

# The Keycloak version countersign-keycloak is built and tested against.
keycloak_version() {
  sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$root/countersign-keycloak/pom.xml"
}

# A Java 21+ home for Keycloak: KC_JAVA_HOME, else the newest such JDK under /usr/lib/jvm (the last one listed).
keycloak_java_home() {
  local found="${KC_JAVA_HOME:-}" d v
  if [ -z "$found" ]; then
    for d in /usr/lib/jvm/*/; do
      v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2> /dev/null || true)
      [ -n "$v" ] && [ "$v" -ge 21 ] && found="${d%/}"
    done
  fi
  [ -n "$found" ] || { echo "no Java 21+ JDK for Keycloak: set KC_JAVA_HOME" >&2; return 1; }
  echo "$found"
}
