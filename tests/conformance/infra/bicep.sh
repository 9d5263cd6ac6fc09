#!/usr/bin/env bash
# Build and lint infra/azure/*.bicep with the Bicep CLI from NuGet, offline.
#
# The CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, restored by a throwaway
# project made in a temporary directory (outside the repository, so the solution's
# Directory.Build.props / Directory.Packages.props never apply) into a cache under
# tests/conformance/infra/.bicep/ (git-ignored). Re-running reuses the cache.
#
# Exit status: 0 only when every build and lint reports no error and no warning.
# Usage: tests/conformance/infra/bicep.sh            (build + lint infra/azure/main.bicep)
#        BICEP_VERSION=0.49.2 tests/conformance/infra/bicep.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
CACHE="$HERE/.bicep"
PKG_DIR="$CACHE/packages"
PKG_ID="azure.bicep.commandline.linux-x64"
BICEP="$PKG_DIR/$PKG_ID/$BICEP_VERSION/tools/bicep"
OUT="$CACHE/out"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fetch_bicep() {
  local work rc=0
  work="$(mktemp -d)"
  # Stop MSBuild from walking up into any parent directory's build files.
  printf '<Project />\n' > "$work/Directory.Build.props"
  printf '<Project />\n' > "$work/Directory.Build.targets"
  printf '<Project />\n' > "$work/Directory.Packages.props"
  cat > "$work/fetch-bicep.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
PROJ
  mkdir -p "$PKG_DIR"
  dotnet restore "$work/fetch-bicep.csproj" --packages "$PKG_DIR" -v quiet >&2 || rc=$?
  rm -rf "$work"
  # Only the extracted CLI is used; drop the 100+ MB package archive.
  rm -f "$PKG_DIR/$PKG_ID/$BICEP_VERSION/"*.nupkg
  return $rc
}

if [[ ! -x "$BICEP" ]]; then
  if [[ ! -f "$BICEP" ]]; then
    echo "bicep.sh: fetching Azure.Bicep.CommandLine.linux-x64 $BICEP_VERSION from NuGet" >&2
    fetch_bicep
  fi
  [[ -f "$BICEP" ]] || { echo "bicep.sh: bicep binary not found at $BICEP" >&2; exit 2; }
  chmod +x "$BICEP"
fi

mkdir -p "$OUT"
status=0
problems=0

# run LABEL CMD...: runs a bicep command, echoes its output, counts warnings and errors.
run() {
  local label="$1"; shift
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  cat "$log"
  local n
  n="$(grep -Ec ': (Warning|Error) ' "$log" || true)"
  if [[ $rc -ne 0 || $n -gt 0 ]]; then
    echo "bicep.sh: $label: exit $rc, $n warning/error line(s)" >&2
    status=1
    problems=$((problems + n))
  else
    echo "bicep.sh: $label: ok" >&2
  fi
  rm -f "$log"
}

"$BICEP" --version >&2
for f in "$ROOT"/infra/azure/main.bicep; do
  rel="${f#"$ROOT"/}"
  run "build $rel" "$BICEP" build "$f" --outdir "$OUT"
  run "lint $rel" "$BICEP" lint "$f" --diagnostics-format default
done

if [[ $status -eq 0 ]]; then
  echo "bicep.sh: 0 errors, 0 warnings"
else
  echo "bicep.sh: FAILED ($problems warning/error line(s))"
fi
exit $status
