{{/* Labels of one plass service; call with (dict "root" $ "name" .name). */}}
{{- define "plass.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "plass.labels" -}}
{{ include "plass.selectorLabels" . }}
app.kubernetes.io/part-of: plass
app.kubernetes.io/version: {{ .root.Values.image.tag | default .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}
