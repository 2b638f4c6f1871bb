#!/bin/sh
# The container image's entrypoint: the cluster settings derived as bin/run derives them, then the base image's own
# entrypoint (java ... $JVM_ARGS -jar payara-micro.jar "$@"). In a container the listeners bind to 0.0.0.0, so a
# member announces the container's own address unless III_CLUSTER_ADDRESS names one.
set -e
if [ -n "${III_CLUSTER_MEMBERS:-}" ] && [ -z "${III_CLUSTER_ADDRESS:-}" ]; then
    III_CLUSTER_ADDRESS=$(hostname -i | cut -d ' ' -f 1)
fi
. "$(dirname "$0")/cluster-env.sh"
exec /bin/sh "$HOME_DIR/entrypoint.sh" "$@"
