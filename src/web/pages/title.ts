import { useEffect } from 'preact/hooks'

/** Sets the tab's title for the page shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · chasm`
  }, [title])
}
