
#compdef fwfulfill

_fwfulfill_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _FWFULFILL_COMPLETE=complete_zsh fwfulfill)
}

compdef _fwfulfill_completion fwfulfill

