<#
.SYNOPSIS
  Posts one SMT CSV inline (base64 JSON) to the portal's webhook: the PowerShell smoke test.

.EXAMPLE
  pwsh -File scripts/admin/smt_inline_post_test.ps1 `
    -BaseUrl https://portal.example.com `
    -Secret $env:INTELLIWATT_WEBHOOK_SECRET `
    -CsvPath ./IntervalData.csv `
    -Esiid 10443720000000001 `
    -Meter M1

.NOTES
  Inline posts are for files up to about 4 MB; the portal answers 413 above that. Use -Gzip to shrink the body,
  or post big files as multipart (scripts/smt/fetch_and_post.sh does). Older droplets may pass -AdminToken
  instead of -Secret.
#>
param(
  [Parameter(Mandatory = $true)][string]$BaseUrl,
  [string]$Secret = $env:INTELLIWATT_WEBHOOK_SECRET,
  [string]$AdminToken,
  [Parameter(Mandatory = $true)][string]$CsvPath,
  [string]$Esiid,
  [string]$Meter,
  [string]$Source = "adhocusage",
  [switch]$Gzip
)

$ErrorActionPreference = "Stop"

if (-not $Secret -and -not $AdminToken) {
  throw "Pass -Secret (INTELLIWATT_WEBHOOK_SECRET) or -AdminToken."
}

$bytes = [System.IO.File]::ReadAllBytes((Resolve-Path $CsvPath))
$encoding = "base64"
$payloadBytes = $bytes
if ($Gzip) {
  $buffer = New-Object System.IO.MemoryStream
  $gzipStream = New-Object System.IO.Compression.GZipStream($buffer, [System.IO.Compression.CompressionMode]::Compress)
  $gzipStream.Write($bytes, 0, $bytes.Length)
  $gzipStream.Dispose()
  $payloadBytes = $buffer.ToArray()
  $encoding = "base64+gzip"
}

$body = [ordered]@{
  mode        = "inline"
  source      = $Source
  filename    = [System.IO.Path]::GetFileName($CsvPath)
  mime        = "text/csv"
  encoding    = $encoding
  content_b64 = [Convert]::ToBase64String($payloadBytes)
  esiid       = $Esiid
  meter       = $Meter
  captured_at = (Get-Date).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ")
  sizeBytes   = $bytes.Length
} | ConvertTo-Json -Compress

$headers = @{}
if ($Secret) { $headers["x-intelliwatt-secret"] = $Secret } else { $headers["x-admin-token"] = $AdminToken }

$uri = "$($BaseUrl.TrimEnd('/'))/api/admin/smt/pull"
try {
  $response = Invoke-WebRequest -Uri $uri -Method Post -Headers $headers -ContentType "application/json" -Body $body -UseBasicParsing
  Write-Output "HTTP $($response.StatusCode)"
  Write-Output $response.Content
} catch {
  $status = $_.Exception.Response.StatusCode.value__
  Write-Output "HTTP $status"
  if ($_.ErrorDetails) { Write-Output $_.ErrorDetails.Message }
  exit 1
}
