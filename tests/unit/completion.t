# rescapctl's bash completion (cgroupd/rescapctl.bash-completion) with
# bash-completion's own functions: commands, each command's options
# (after the command: options go anywhere), actions, -o columns by the
# list's kind, set-property keys.
. ../lib/lib.sh
comp() {	# comp WORD... : what completing the last word offers
	bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1/cgroupd/rescapctl.bash-completion"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_rescapctl
		[ ${#COMPREPLY[@]} -gt 0 ] && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' comp "$REPO" rescapctl "$@"
}
expect_eq "commands" "unit-cap unit-get unit-reset " "$(comp unit-)"
expect_eq "cap's options" "--cgroup " "$(comp cap 12 --cg)"
expect_eq "options before the command" "--json " "$(comp --js)"
expect_eq "register's" "--no-inherit " "$(comp register --no)"
expect_eq "list refuses caps, so offers none" "" "$(comp list --hea)"
expect_eq "actions" "deny " "$(comp cap 12 --action d)"
expect_eq "after an option's value, still the command's" "--force " "$(comp cap 12 --fds 3 --fo)"
expect_eq "-o: list columns" "fd_cap, fds, " "$(comp list -o f)"
expect_eq "-o: more columns" "pid,heap, pid,heap_cap, " "$(comp list -o pid,heap)"
expect_eq "-o: --cgroups columns" "kills, " "$(comp list --cgroups -o k)"
expect_eq "set-property keys" "FDMax= " "$(comp set-property x.service FD)"
expect_eq "top" "top " "$(comp to)"
expect_eq "top's options" "--delay " "$(comp top --de)"
expect_eq "top's orders" "heap " "$(comp top --order h)"
expect_eq "after top's -d value, still top's" "--order " "$(comp top -d 2 --or)"
expect_eq "set-property keys after an option" "FDMax= " "$(comp set-property --runtime x.service HeapMax=1G FD)"
expect_eq "--opt=value" "--action=notify " "$(comp cap 12 --action=n)"
expect_eq "--columns=" "--columns=unit, " "$(comp list --columns=un)"
expect_eq "one argument: no second" "" "$(comp disarm /a /)"
expect_eq "an option's value is no argument" "" "$(comp cap --fds 3 12 '')"
exit 0
