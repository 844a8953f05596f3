from .cli import main

# Guarded: worker processes start from a fresh interpreter that imports this module.
if __name__ == "__main__":
    main()
