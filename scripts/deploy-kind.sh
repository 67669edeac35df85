#!/usr/bin/env bash
# docs/deploy.md's kind row: the cluster (created if missing), Envoy Gateway, metrics-server, the database's Secret,
# then the images by digest (pulled from their registry) with overlays/kind; prints the web's URL (via a port-forward).
#   DATABASE_URL=postgres://… [KIND_CLUSTER=kind] scripts/deploy-kind.sh <image-refs>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

[ $# -eq 1 ] || die 2 "usage: deploy-kind.sh <image-refs>"
[ -n "${DATABASE_URL-}" ] || die 2 "DATABASE_URL is not set: a PostgreSQL the cluster's pods reach"
for tool in kind kubectl kustomize; do command -v "$tool" >/dev/null || die 2 "$tool is not installed"; done
overlay=$(dirname "${BASH_SOURCE[0]}")/../deploy/kubernetes/overlays/kind
cluster=${KIND_CLUSTER:-kind} ns=$(sed -n 's/^namespace: *//p' "$overlay/kustomization.yaml")
secret=$(kubectl kustomize "$overlay" | grep -A2 'secretKeyRef:' | sed -n 's/^ *name: //p' | head -n1) # DATABASE_URL's
k() { kubectl --context "kind-$cluster" "$@"; }

kind get clusters 2>/dev/null | grep -qx "$cluster" || kind create cluster --name "$cluster" >&2
k apply --server-side -f https://github.com/envoyproxy/gateway/releases/download/v1.7.0/install.yaml >&2
k apply -f https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.8.0/components.yaml >&2
# kind's kubelets serve self-signed certificates (the apply above drops the flag, so this adds it once).
k -n kube-system patch deployment metrics-server --type=json >&2 \
  -p '[{"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "--kubelet-insecure-tls"}]'
k -n envoy-gateway-system wait --for=condition=Available deployment/envoy-gateway --timeout=5m >&2
k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >&2
k apply -f - >&2 <<EOF
{ apiVersion: gateway.networking.k8s.io/v1, kind: GatewayClass, metadata: { name: eg },
  spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller } }
---
{ apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, metadata: { name: eg, namespace: $ns },
  spec: { gatewayClassName: eg, listeners: [{ name: http, protocol: HTTP, port: 80 }] } }
EOF
# DATABASE_URL reaches kubectl through a pipe, never argv.
k -n "$ns" create secret generic "$secret" --dry-run=client -o yaml \
  --from-env-file=<(printf 'DATABASE_URL=%s\n' "$DATABASE_URL") | k apply -f - >&2
KUBECONFIG_DATA=$(kind get kubeconfig --name "$cluster") "$(dirname "${BASH_SOURCE[0]}")/deploy-kubernetes.sh" kind "$1"

service=$(k get service -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{end}' \
  -l "gateway.envoyproxy.io/owning-gateway-namespace=$ns,gateway.envoyproxy.io/owning-gateway-name=eg")
[ -n "$service" ] || die 1 "no Service for the Gateway eg (kubectl -n $ns describe gateway eg)"
log "kind has no load balancer: kubectl --context kind-$cluster -n ${service%/*} port-forward service/${service#*/} 8080:80"
echo "http://localhost:8080"
